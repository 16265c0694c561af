import Foundation
import ManholeTesting
import NIOConcurrencyHelpers
import Synchronization
import Testing
import Manhole
import ManholeClient
import ManholeWire

/// The scenario, in a child process (`manhole-shutdown-probe`): with 64 sessions busy,
/// 100 threads blocked in `waitFor` and 1,000 timers pending, stopping the reactor or returning
/// from `main` ends the process; every waiter gets the reactor-stopped error; every session gets a
/// goodbye. How fast the process ends is measured by the benchmark's `shutdown` section, not here:
/// the waits below are hang guards only.
@Suite("Shutdown under load", .serialized)
struct ShutdownUnderLoadTests {
    static let sessionCount = 64

    @Test(
        "With 64 busy sessions, 100 threads in waitFor and 1,000 timers, the process ends on stop and on return from main; waiters get stopped, no timer fires after stop, every session gets a goodbye",
        arguments: ["stop", "return"])
    func shutdownUnderLoad(command: String) throws {
        let probe = try ShutdownProbe.launch()
        defer { probe.kill() }
        let ready = try #require(probe.firstLine(startingWith: "ready "), "the probe never became ready:\n\(probe.output)")
        #expect(ready.contains("timers=1000"))
        #expect(ready.contains("waiters=100"))
        let port = try #require(ready.split(separator: " ").first { $0.hasPrefix("port=") }.flatMap { Int($0.dropFirst(5)) })

        let shared = SessionShared()
        let outcomes = NIOLockedValueBox<[SessionOutcome]>([])
        let finished = DispatchGroup()
        for _ in 0..<Self.sessionCount {
            finished.enter()
            Thread.detachNewThread {
                let outcome = runBusySession(port: port, shared: shared)
                outcomes.withLockedValue { $0.append(outcome) }
                finished.leave()
            }
        }
        // Every session logged in and answered a few commands: all are busy now.
        try #require(
            eventually { shared.warmedUp.load(ordering: .sequentiallyConsistent) == Self.sessionCount }
                || outcomes.withLockedValue { !$0.isEmpty },
            "the sessions did not all get going")
        shared.stopping.store(true, ordering: .sequentiallyConsistent)
        probe.send(command)
        probe.closeInput()

        let exited = probe.waitForExit(within: .seconds(20))
        #expect(exited, "the probe did not exit after '\(command)'")
        let joined = finished.wait(timeout: .now() + .seconds(20)) == .success
        #expect(joined, "session threads still running")
        guard exited, joined else { return }

        let output = probe.output
        #expect(probe.exitedNormally && probe.status == 0, "exit status \(probe.status); output:\n\(output)")
        #expect(output.contains("waiters stopped=100 other=0"), "output:\n\(output)")
        #expect(output.contains("timers fired-after-stop=0 "), "output:\n\(output)")
        #expect(output.contains("exiting"))

        let all = outcomes.withLockedValue { $0 }
        #expect(all.count == Self.sessionCount)
        #expect(all.allSatisfy { $0.commands >= 3 }, "every session ran commands before the stop")
        #expect(all.flatMap(\.problems).isEmpty, "\(all.flatMap(\.problems).prefix(10))")
        let goodbyes = all.filter { $0.goodbyes == 1 }.count
        #expect(goodbyes == Self.sessionCount, "sessions that got a goodbye")
        #expect(all.allSatisfy { $0.closedAfterGoodbye }, "the server closed every session after its goodbye")
    }
}

/// What the session threads share with the test.
final class SessionShared: Sendable {
    /// Set just before the test sends the probe its command: from then on an error reply saying
    /// the reactor has stopped is a legitimate answer (a command that arrived after the stop
    /// began, before the goodbye).
    let stopping = Atomic<Bool>(false)
    /// Sessions that have logged in and had three replies.
    let warmedUp = Atomic<Int>(0)
}

/// How one session went.
struct SessionOutcome: Sendable {
    /// Replies checked and found right.
    var commands = 0
    /// `ERR the reactor has stopped` replies, after the stop was sent.
    var stoppedReplies = 0
    /// `BYE` frames received.
    var goodbyes = 0
    /// Whether the server closed the connection after the goodbye (and sent nothing after it).
    var closedAfterGoodbye = false
    /// Anything wrong.
    var problems: [String] = []
}

/// Logs in and runs `whoami` and `inspect` back to back, checking each reply, until
/// the server says goodbye; then reads on until the server closes.
func runBusySession(port: Int, shared: SessionShared) -> SessionOutcome {
    var outcome = SessionOutcome()
    let connection: ManholeConnection
    do {
        connection = try ManholeConnection(port: port, timeout: .seconds(20))
        try connection.login(user: ShutdownProbe.user, password: ShutdownProbe.password, minimumIterations: FastLogin.iterations)
    } catch {
        outcome.problems.append("login: \(error)")
        return outcome
    }
    defer { connection.close() }
    // `whoami` answers at once; `queued` is read on a queue, so its reply is in flight across
    // loop turns and the goodbye can come in the middle of it.
    let commands = [("whoami", "user     admin\nrole     admin\nsession  "), ("inspect config.port", "8080"), ("inspect queued.port", "9090")]
    var sentAll = true
    while outcome.goodbyes == 0 {
        let (command, expected) = commands[(outcome.commands + outcome.stoppedReplies) % commands.count]
        do {
            try connection.socket.write(command + "\n")
        } catch {
            // The server closed its side: what it sent before (the goodbye) is still to be read.
            sentAll = false
            break
        }
        let frame: Frame
        do {
            frame = try connection.readFrame()
        } catch {
            outcome.problems.append("connection ended without a goodbye: \(error)")
            return outcome
        }
        switch frame.kind {
        case .ok where frame.payload.contains(expected):
            outcome.commands += 1
            if outcome.commands == 3 { shared.warmedUp.add(1, ordering: .sequentiallyConsistent) }
        case .error where shared.stopping.load(ordering: .sequentiallyConsistent)
            && frame.payload == "the reactor has stopped\n":
            outcome.stoppedReplies += 1
        case .bye:
            outcome.goodbyes += 1
        default:
            outcome.problems.append("unexpected reply \(frame.kind.rawValue) \(frame.payload.debugDescription)")
            return outcome
        }
    }
    // After the goodbye (or a refused write) the server sends nothing more and closes.
    while true {
        do {
            let frame = try connection.readFrame()
            if frame.kind == .bye && outcome.goodbyes == 0 && !sentAll {
                outcome.goodbyes += 1
            } else {
                outcome.problems.append("frame after the goodbye: \(frame.kind.rawValue) \(frame.payload.debugDescription)")
            }
        } catch BlockingSocket.Failure.closed {
            outcome.closedAfterGoodbye = outcome.goodbyes == 1
            if outcome.goodbyes == 0 { outcome.problems.append("connection closed without a goodbye") }
            return outcome
        } catch {
            outcome.problems.append("reading after the goodbye: \(error)")
            return outcome
        }
    }
}
