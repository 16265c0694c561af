import ArgumentParser
import Foundation
import ManholeClient
import ManholeWire

/// `hbhost-load`: what a few operators and scripts do to a manhole, at a fixed pace: SESSIONS
/// sessions, each running COMMAND RATE times a second for SECONDS seconds (commands are sent on a
/// schedule, not back to back; a late one does not make the next one early). Prints one line of
/// totals; exits 1 if any command failed or a session could not log in.
@main
struct PacedLoad: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hbhost-load",
        abstract: "Paced manhole sessions for the Hummingbird host's benchmark (password from MANHOLE_PASSWORD).")

    @Option(help: "The manhole's port on 127.0.0.1.")
    var port: Int

    @Option(help: "The user to log in as.")
    var user = "admin"

    @Option(help: "Concurrent sessions.")
    var sessions = 8

    @Option(help: "Commands per second in each session.")
    var rate = 100

    @Option(help: "How long to run, in seconds.")
    var seconds = 10

    @Option(help: "The command each session runs.")
    var command = "inspect cache.hits"

    func validate() throws {
        guard (1...256).contains(sessions) else { throw ValidationError("--sessions must be from 1 to 256") }
        guard (1...10_000).contains(rate) else { throw ValidationError("--rate must be from 1 to 10000") }
        guard (1...3_600).contains(seconds) else { throw ValidationError("--seconds must be from 1 to 3600") }
    }

    func run() throws {
        guard let password = ProcessInfo.processInfo.environment["MANHOLE_PASSWORD"], !password.isEmpty else {
            throw ValidationError("set MANHOLE_PASSWORD to the manhole user's password")
        }
        let totals = Totals()
        let done = DispatchGroup()
        let start = ContinuousClock.now
        let interval = Duration.seconds(1) / rate
        let count = rate * seconds
        for _ in 0..<sessions {
            done.enter()
            Thread.detachNewThread { [port, user, command] in
                defer { done.leave() }
                do {
                    let connection = try ManholeConnection(port: port)
                    defer { connection.close() }
                    try connection.login(user: user, password: password)
                    for index in 0..<count {
                        let due = start + interval * index
                        let now = ContinuousClock.now
                        if due > now { Thread.sleep(forTimeInterval: Self.seconds(due - now)) }
                        let reply = try connection.run(command)
                        totals.record(ok: reply.kind == .ok)
                    }
                } catch {
                    totals.fail("\(error)")
                }
            }
        }
        done.wait()
        let elapsed = Self.seconds(ContinuousClock.now - start)
        let (ok, failed, errors) = totals.read()
        print(String(
            format: "hbhost-load: %d sessions x %d/s for %ds: %d commands ok, %d failed, %.0f commands/s overall",
            sessions, rate, seconds, ok, failed, Double(ok) / elapsed))
        for error in errors.prefix(5) { print("  error: \(error)") }
        if failed > 0 || !errors.isEmpty { throw ExitCode(1) }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// The sessions' counts, shared by their threads.
final class Totals: @unchecked Sendable {
    // @unchecked: every field is read and written under `lock` only.
    private let lock = NSLock()
    private var ok = 0
    private var failed = 0
    private var errors: [String] = []

    func record(ok succeeded: Bool) {
        lock.withLock { if succeeded { ok += 1 } else { failed += 1 } }
    }

    func fail(_ error: String) {
        lock.withLock { errors.append(error) }
    }

    func read() -> (ok: Int, failed: Int, errors: [String]) {
        lock.withLock { (ok, failed, errors) }
    }
}
