import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The system's read and write under names the class's own `read(through:after:)` does not shadow.
private func readBytes(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

private func writeBytes(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}

/// Stock OpenSSH in an interactive session, driven as a person at a terminal would be timed:
/// `sshpass -e ssh -tt`, its standard input and output our pipes (`-tt` makes the server give
/// the session a pty although ours is a pipe, so the server's line editor runs), its standard
/// error inherited. Reads go straight to the pipe's descriptor, blocking in `poll` until bytes
/// come: no reader thread between the bytes and the clock, and no sleeps.
final class SSHClientProcess {
    /// How long a read waits for the server before the benchmark gives up: a hang guard only.
    static let readLimitMilliseconds: Int32 = 30_000

    private let process = Process()
    private let input: FileHandle
    private let output: Int32
    private let home: URL
    /// Bytes read but not yet consumed by a ``read(through:after:)``.
    private var buffer: [UInt8] = []

    /// Starts `ssh` to `user@127.0.0.1:port`, logging in with `password` (through `sshpass -e`),
    /// with a fresh HOME and no known-hosts file: the host keys are new every run.
    init(port: Int, user: String, password: String) throws {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("manhole-ssh-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sshpass")
        process.arguments = [
            "-e", "ssh", "-tt", "-p", "\(port)", "-F", "/dev/null", "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10",
            "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no", "\(user)@127.0.0.1",
        ]
        // TERM is what ssh asks the server's pty to be: a common terminal, as an operator's is.
        process.environment = ["HOME": home.path, "PATH": "/usr/bin:/bin", "SSHPASS": password, "TERM": "xterm-256color"]
        // An ssh that dies mid-run must end the benchmark with an error, not a SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        input = stdin.fileHandleForWriting
        output = stdout.fileHandleForReading.fileDescriptor
        do {
            try process.run()
        } catch {
            try? FileManager.default.removeItem(at: home)
            throw BenchmarkError("could not start /usr/bin/sshpass (apt-get install sshpass openssh-client): \(error)")
        }
    }

    /// Writes `text` to ssh's standard input, all of it.
    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { writeBytes(input.fileDescriptor, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                throw BenchmarkError("writing to ssh failed: errno \(errno)")
            }
            written += result
        }
    }

    /// Reads until `marker` has come after `after` (when given: the reply, so that a prompt
    /// redrawn with the echo of the line does not count), consumes the bytes through `marker`,
    /// and returns them.
    @discardableResult
    func read(through marker: [UInt8], after: [UInt8]? = nil) throws -> ArraySlice<UInt8> {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            var from = buffer.startIndex
            if let after, let found = Self.find(after, in: buffer, from: from) { from = found + after.count }
            if after == nil || from > buffer.startIndex, let found = Self.find(marker, in: buffer, from: from) {
                let end = found + marker.count
                let text = buffer[..<end]
                buffer.removeFirst(end)
                return text
            }
            var descriptor = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Self.readLimitMilliseconds)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { throw BenchmarkError("no \(String(decoding: marker, as: UTF8.self).debugDescription) from ssh within 30 s; last output: \(tail)") }
            let count = chunk.withUnsafeMutableBytes { readBytes(output, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw BenchmarkError("ssh ended its output; last output: \(tail)") }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    /// Ends the session: `goodbye` typed (both shells end on Ctrl-D at an empty line), our end of
    /// its input closed, then a wait of up to 10 s before ssh is terminated.
    func stop(goodbye: String = "\u{04}") {
        try? send(goodbye)
        try? input.close()
        // Not `waitUntilExit()` alone: on Linux it spins its run loop until the child exits.
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: home)
    }

    /// The last bytes read and not consumed, for errors.
    private var tail: String { String(decoding: buffer.suffix(300), as: UTF8.self).debugDescription }

    /// Where `needle` first occurs in `haystack` at or after `from`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count - from >= needle.count else { return nil }
        for start in from...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }
}
