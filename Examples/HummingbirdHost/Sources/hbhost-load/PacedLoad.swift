import ArgumentParser
import Foundation
import ManholeClient
import ManholeWire

/// `hbhost-load`: what a few operators and scripts do to a manhole, at a fixed pace: SESSIONS
/// sessions, each running COMMAND RATE times a second for SECONDS seconds (commands are sent on a
/// schedule, not back to back; a late one does not make the next one early). Prints one line of
/// totals and the driver's own CPU time; exits 1 if any command failed or a session could not
/// log in.
///
/// One thread drives every session: at each tick it sends the command on each session, then
/// reads the replies. The server sees SESSIONS sessions each running RATE commands a second, as
/// with a thread per session, but the driver, which shares the machine with the host in the
/// benchmark, wakes only when replies have arrived (it waits on every session at once with
/// `poll`) instead of twice per command, so less of what is measured is the driver's own cost.
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
        var connections: [ManholeConnection] = []
        defer { for connection in connections { connection.close() } }
        do {
            for _ in 0..<sessions {
                let connection = try ManholeConnection(port: port)
                connections.append(connection)
                try connection.login(user: user, password: password)
            }
        } catch {
            print("hbhost-load: session \(connections.count) could not start: \(error)")
            throw ExitCode(1)
        }
        let cpuBefore = Self.processCPUSeconds()
        let start = ContinuousClock.now
        let interval = Duration.seconds(1) / rate
        var ok = 0, failed = 0
        var failure: String?
        ticks: for index in 0..<(rate * seconds) {
            let due = start + interval * index
            let now = ContinuousClock.now
            if due > now { Thread.sleep(forTimeInterval: Self.seconds(due - now)) }
            do {
                for connection in connections { try connection.sendCommand(command) }
                // Read each reply once it has arrived: a read never waits (or spins) on one
                // session while another's reply is there.
                var waiting = Array(connections.indices)
                while !waiting.isEmpty {
                    var descriptors = waiting.map { pollfd(fd: connections[$0].fileDescriptor, events: Int16(POLLIN), revents: 0) }
                    guard poll(&descriptors, nfds_t(descriptors.count), 30_000) > 0 else {
                        throw ValidationError("no reply within 30 s")
                    }
                    var still: [Int] = []
                    for (slot, index) in waiting.enumerated() {
                        guard descriptors[slot].revents != 0 else { still.append(index); continue }
                        if try connections[index].readFrame().kind == .ok { ok += 1 } else { failed += 1 }
                    }
                    waiting = still
                }
            } catch {
                failure = "\(error)"
                break ticks
            }
        }
        let elapsed = Self.seconds(ContinuousClock.now - start)
        let cpu = Self.processCPUSeconds() - cpuBefore
        print(String(
            format: "hbhost-load: %d sessions x %d/s for %ds: %d commands ok, %d failed, %.0f commands/s overall; "
                + "driver CPU %.0f ms (%.1f us per command)",
            sessions, rate, seconds, ok, failed, Double(ok) / elapsed, cpu * 1_000, cpu * 1e6 / Double(max(1, ok + failed))))
        if let failure { print("  error: \(failure)") }
        if failed > 0 || failure != nil { throw ExitCode(1) }
    }

    /// This process's user and system CPU time so far, in seconds.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
