import Foundation
import ManholeTesting
import Testing

@testable import Manhole

/// The shell's budget on an idle host, driven by the real client in its own process (a client in
/// the server's process would count as the host's work: the budget looks at the process's CPU).
@Suite("The shell's budget on an idle host, with the client in its own process")
struct IdleHostBudgetTests {
    @Test("Commands back to back never wait for a refill at a 5 % share: the sessions' thread and a client elsewhere are not the host")
    func idleHostRunsAtFullSpeed() throws {
        let server = try TestServer(configure: {
            $0.shellShare = 0.05
            $0.shellSlice = .microseconds(250)
        })
        let budget = server.manhole.environment.budget
        let loop = server.manhole.environment.eventLoop
        let commands = Array(repeating: ["-c", "whoami"], count: 300).flatMap { $0 }
        let client = try ChildProcess.launch(
            try clientExecutable(), arguments: ["-p", "\(server.port)", "-u", "admin"] + commands + [allowWeakServerParameters],
            environment: clientEnvironment())
        // Starting a process and logging in is the test process's work, which the budget sees as
        // the host's: count from the session's first command on, then wait without polling.
        #expect(eventually { server.manhole.environment.state.sessions.contains { $0.commands > 0 } })
        let before = try loop.submit { budget.refillWaits }.wait()
        #expect(client.waitForExit(within: .seconds(60)))
        #expect(client.status == 0)
        #expect(client.output.components(separatedBy: "\n").filter { $0.hasPrefix("user ") && $0.hasSuffix(" admin") }.count == 300, "\(client.output.prefix(200))")
        let waits = try loop.submit { budget.refillWaits }.wait() - before
        // A login's first windows may count as busy (the budget assumes so until it knows): a few
        // waits are that. (Reads on the reactor, `inspect`, are the host's thread's work: under a
        // sanitizer they are slow enough to make the host count as busy, and the share applies.)
        #expect(waits <= 5, "an idle host looked busy: \(waits) refill waits")
    }
}
