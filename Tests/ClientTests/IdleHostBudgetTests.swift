import Foundation
import ManholeTesting
import Testing

@testable import Manhole

/// The shell's budget on an idle host, driven by the real client in its own process (a client in
/// the server's process would count as the host's work: the budget looks at the process's CPU).
@Suite("The shell's budget on an idle host, with the client in its own process")
struct IdleHostBudgetTests {
    @Test("Inspect commands back to back, read on the reactor, never wait for a refill at a 5 % share")
    func reactorReadsDoNotMakeTheHostBusy() throws {
        let server = try TestServer(configure: {
            $0.shellShare = 0.05
            $0.shellSlice = .microseconds(250)
        }, namespace: ["settings": Settings()])
        let budget = server.manhole.environment.budget
        let loop = server.manhole.environment.eventLoop
        let commands = Array(repeating: ["-c", "inspect settings.retry.attempts"], count: 300).flatMap { $0 }
        let client = try ChildProcess.launch(
            try clientExecutable(), arguments: ["-p", "\(server.port)", "-u", "admin"] + commands + [allowWeakServerParameters],
            environment: clientEnvironment())
        // Starting a process and logging in is the test process's work, which the budget sees as
        // the host's: count from the session's first command on, then wait without polling.
        #expect(eventually { server.manhole.environment.state.sessions.contains { $0.commands > 0 } })
        let before = try loop.submit { budget.refillWaits }.wait()
        #expect(client.waitForExit(within: .seconds(60)))
        #expect(client.status == 0)
        #expect(client.output.components(separatedBy: "\n").filter { $0 == "settings.retry.attempts: Int = 3" }.count == 300)
        let waits = try loop.submit { budget.refillWaits }.wait() - before
        // The reads take the reactor thread, and it polls for the next one after each: neither is
        // the host's work. A login's first windows may count as busy (the budget assumes so until
        // it knows): a few waits are that, not the reads.
        #expect(waits <= 5, "reads on the reactor made an idle host look busy: \(waits) refill waits")
    }
}

/// A registry entry with a 3-segment path, `settings.retry.attempts`.
private struct Settings: Sendable {
    struct Retry: Sendable {
        let attempts = 3
    }

    let retry = Retry()
}
