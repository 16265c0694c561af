import Foundation
import ManholeTesting
import Manhole

/// The `serve` child this tool starts: its port, its memory, its job count; stopped on request.
///
/// Used by one thread at a time, except ``residentBytes``, which only reads `/proc`.
final class ServerProcess: Sendable {
    let child: ChildProcess
    let port: Int
    let password: String

    private init(child: ChildProcess, port: Int, password: String) {
        self.child = child
        self.port = port
        self.password = password
    }

    /// Starts `manhole-load serve` with a fresh random password and waits until it listens.
    static func launch(hostWork: Bool, shellShare: Double? = nil, bigObjects: Bool = false) throws -> ServerProcess {
        let password = (0..<4).map { _ in String(UInt64.random(in: .min ... .max), radix: 36) }.joined(separator: "-")
        var environment = ProcessInfo.processInfo.environment
        environment["MANHOLE_PASSWORD"] = password
        let child = try ChildProcess.launch(
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(),
            arguments: ["serve"] + (hostWork ? ["--host-work"] : []) + (shellShare.map { ["--shell-share", "\($0)"] } ?? [])
                + (bigObjects ? ["--big-objects"] : []),
            environment: environment)
        guard let ready = child.nextLine(within: .seconds(60)), ready.hasPrefix("ready port="),
            let port = Int(ready.dropFirst("ready port=".count))
        else {
            child.kill()
            throw LoadError.server("the child server did not start")
        }
        return ServerProcess(child: child, port: port, password: password)
    }

    /// The child's resident memory in bytes.
    var residentBytes: Int { ResidentMemory.bytes(ofProcess: child.processIdentifier) ?? 0 }

    /// The jobs its host work has done, and when it counted them (monotonic nanoseconds).
    func jobs() throws -> (count: Int, nanoseconds: Int) {
        child.send("jobs")
        guard let line = child.nextLine(within: .seconds(60)) else { throw LoadError.server("the child server went away") }
        let fields = line.split(separator: " ")
        guard fields.count == 3, fields[0] == "jobs", let count = Int(fields[1]), let time = Int(fields[2]) else {
            throw LoadError.server("unexpected answer '\(line)'")
        }
        return (count, time)
    }

    /// Asks the child to stop and waits for it.
    func stop() {
        child.send("stop")
        child.closeInput()
        if !child.waitForExit(within: .seconds(60)) { child.kill() }
    }
}

/// Resident memory of a process on this machine.
enum ResidentMemory {
    /// The resident memory of process `pid` in bytes, or `nil` where the system does not tell.
    static func bytes(ofProcess pid: Int32) -> Int? { ProcessSnapshot.of(processID: pid)?.residentBytes }

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
