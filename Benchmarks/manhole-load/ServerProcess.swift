import Foundation

/// The `serve` child this tool starts: its port, its memory, its job count; stopped on request.
///
/// Used by one thread at a time, except ``residentBytes``, which only reads `/proc`.
final class ServerProcess: @unchecked Sendable {
    let process: Process
    let port: Int
    let password: String
    private let input: FileHandle
    private let output: LineReader

    private init(process: Process, port: Int, password: String, input: FileHandle, output: LineReader) {
        self.process = process
        self.port = port
        self.password = password
        self.input = input
        self.output = output
    }

    /// Starts `manhole-load serve` with a fresh random password and waits until it listens.
    static func launch(hostWork: Bool, shellShare: Double? = nil) throws -> ServerProcess {
        let password = (0..<4).map { _ in String(UInt64.random(in: .min ... .max), radix: 36) }.joined(separator: "-")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["serve"] + (hostWork ? ["--host-work"] : []) + (shellShare.map { ["--shell-share", "\($0)"] } ?? [])
        var environment = ProcessInfo.processInfo.environment
        environment["MANHOLE_PASSWORD"] = password
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        let reader = LineReader(stdout.fileHandleForReading.fileDescriptor)
        guard let ready = reader.next(), ready.hasPrefix("ready port="), let port = Int(ready.dropFirst("ready port=".count))
        else {
            process.terminate()
            throw LoadError.server("the child server did not start")
        }
        return ServerProcess(process: process, port: port, password: password, input: stdin.fileHandleForWriting, output: reader)
    }

    /// The child's resident memory in bytes, from `/proc/PID/status`.
    var residentBytes: Int { ResidentMemory.bytes(ofProcess: process.processIdentifier) ?? 0 }

    /// The jobs its host work has done, and when it counted them (monotonic nanoseconds).
    func jobs() throws -> (count: Int, nanoseconds: Int) {
        input.write(Data("jobs\n".utf8))
        guard let line = output.next() else { throw LoadError.server("the child server went away") }
        let fields = line.split(separator: " ")
        guard fields.count == 3, fields[0] == "jobs", let count = Int(fields[1]), let time = Int(fields[2]) else {
            throw LoadError.server("unexpected answer '\(line)'")
        }
        return (count, time)
    }

    /// Asks the child to stop and waits for it.
    func stop() {
        input.write(Data("stop\n".utf8))
        try? input.close()
        process.waitUntilExit()
    }
}

/// Lines from a file descriptor, read with `read(2)`.
final class LineReader {
    private let descriptor: Int32
    private var buffer: [UInt8] = []

    init(_ descriptor: Int32) { self.descriptor = descriptor }

    /// The next line without its newline, or `nil` at the end of the input.
    func next() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return nil }
            buffer.append(contentsOf: chunk[..<count])
        }
    }
}

/// Resident memory of a process on this machine.
enum ResidentMemory {
    /// `VmRSS` of process `pid` in bytes, or `nil` where `/proc` does not tell.
    static func bytes(ofProcess pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kilobytes = Int(fields[1]) { return kilobytes * 1024 }
        }
        return nil
    }

    /// `bytes` as mebibytes with one decimal.
    static func format(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
}

/// Why a load run could not go on.
enum LoadError: Error, CustomStringConvertible {
    case server(String)

    var description: String {
        switch self {
        case .server(let message): "server: \(message)"
        }
    }
}
