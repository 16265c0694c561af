import Dispatch
import Manhole
import ManholeSSH
import ManholeTesting
import NIOCore
import NIOPosix
import NIOConcurrencyHelpers
import Testing

@Suite("SSH password checker")
struct SSHPasswordCheckerTests {
    /// What the hooks saw: checks inside their work now and at most, PBKDF2 runs.
    private final class Observations: Sendable {
        struct Counts {
            var running = 0
            var mostRunning = 0
            var entered = 0
            var derived = 0
        }
        let counts = NIOLockedValueBox(Counts())
        /// Holds each check at its start until the test lets it go (one `signal` a check).
        let gate = DispatchSemaphore(value: 0)
        let gated: Bool

        init(gated: Bool) { self.gated = gated }

        var hooks: SSHPasswordChecker.Hooks {
            SSHPasswordChecker.Hooks(
                checkStarted: { [self] in
                    counts.withLockedValue {
                        $0.running += 1
                        $0.entered += 1
                        $0.mostRunning = max($0.mostRunning, $0.running)
                    }
                    if gated { gate.wait() }
                    counts.withLockedValue { $0.running -= 1 }
                },
                keyDerived: { [self] in counts.withLockedValue { $0.derived += 1 } })
        }

        var current: Counts { counts.withLockedValue { $0 } }
    }

    /// Whether a future has completed, set from its callback.
    private final class Flag: Sendable {
        private let value = NIOLockedValueBox(false)
        func set() { value.withLockedValue { $0 = true } }
        var isSet: Bool { value.withLockedValue { $0 } }
    }

    /// Runs `body` with a checker over the test accounts and an event loop, then shuts both down
    /// (opening the gate first, so that no check is left blocked there when a test fails early).
    private func withChecker(
        gated: Bool = false, _ body: (SSHPasswordChecker, Observations, any EventLoop) throws -> Void
    ) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let observations = Observations(gated: gated)
        let credentials = try CredentialStore(accounts: testAccounts, iterations: FastLogin.iterations)
        let checker = SSHPasswordChecker(credentials: credentials, hooks: observations.hooks)
        func shutDown() throws {
            if gated { for _ in 0..<64 { observations.gate.signal() } }
            checker.shutdown()
            try group.syncShutdownGracefully()
        }
        do {
            try body(checker, observations, group.next())
        } catch {
            try shutDown()
            throw error
        }
        try shutDown()
    }

    @Test("The right password gives the account's role, after one PBKDF2")
    func rightPassword() throws {
        try withChecker { checker, observations, loop throws in
            #expect(try checker.check(user: "admin", password: adminPassword, on: loop).wait() == .admin)
            #expect(try checker.check(user: "viewer", password: viewerPassword, on: loop).wait() == .readOnly)
            #expect(observations.current.derived == 2)
        }
    }

    @Test("A wrong password, or another user's, gives nil")
    func wrongPassword() throws {
        try withChecker { checker, observations, loop throws in
            #expect(try checker.check(user: "admin", password: "wrong password", on: loop).wait() == nil)
            #expect(try checker.check(user: "admin", password: viewerPassword, on: loop).wait() == nil)
            #expect(try checker.check(user: "admin", password: "", on: loop).wait() == nil)
            #expect(observations.current.derived == 3)
        }
    }

    @Test("An unknown user gives nil after running PBKDF2 like a known one")
    func unknownUser() throws {
        try withChecker { checker, observations, loop throws in
            #expect(try checker.check(user: "mallory", password: adminPassword, on: loop).wait() == nil)
            #expect(observations.current.derived == 1)
        }
    }

    @Test("A password over 1,024 bytes gives nil without PBKDF2; one of 1,024 is checked")
    func longPassword() throws {
        try withChecker { checker, observations, loop throws in
            let longest = String(repeating: "é", count: SSHPasswordChecker.maximumPasswordLength / 2)
            #expect(try checker.check(user: "admin", password: longest, on: loop).wait() == nil)
            #expect(observations.current.derived == 1)
            #expect(try checker.check(user: "admin", password: longest + "x", on: loop).wait() == nil)
            #expect(observations.current.derived == 1)
            #expect(observations.current.entered == 1)
        }
    }

    @Test("At most 2 checks run at once; the others wait their turn and are checked")
    func twoAtOnce() throws {
        try withChecker(gated: true) { checker, observations, loop throws in
            let futures = (0..<6).map { _ in checker.check(user: "admin", password: adminPassword, on: loop) }
            try #require(eventually { observations.current.entered == 2 })
            // Let them go one at a time: each release lets the next waiting check in.
            for released in 1...6 {
                #expect(observations.current.running == min(2, 7 - released))
                observations.gate.signal()
                try #require(
                    eventually {
                        let now = observations.current
                        return now.entered == min(6, released + 2) && now.running == min(2, 6 - released)
                    })
            }
            for future in futures { #expect(try future.wait() == .admin) }
            #expect(observations.current.mostRunning == 2)
        }
    }

    @Test("Beyond 2 running and 16 waiting, a check is refused at once without PBKDF2")
    func queueBound() throws {
        try withChecker(gated: true) { checker, observations, loop throws in
            let admitted = SSHPasswordChecker.maximumRunning + SSHPasswordChecker.maximumWaiting
            #expect(admitted == 18)
            let futures = (0..<admitted).map { _ in checker.check(user: "admin", password: adminPassword, on: loop) }
            try #require(eventually { observations.current.entered == 2 })
            let refused = checker.check(user: "admin", password: adminPassword, on: loop)
            let answered = Flag()
            refused.whenComplete { _ in answered.set() }
            // Answered while every admitted check still waits at the gate: it was never queued.
            #expect(eventually { answered.isSet })
            // One permit more than admitted: were the refused check queued after all, it would
            // take it instead of hanging the test.
            for _ in 0...admitted { observations.gate.signal() }
            #expect(throws: SSHPasswordChecker.Refusal.busy) { try refused.wait() }
            for future in futures { #expect(try future.wait() == .admin) }
            #expect(observations.current.derived == admitted)
            // Once the queue has drained, checks are admitted again.
            observations.gate.signal()
            #expect(try checker.check(user: "admin", password: adminPassword, on: loop).wait() == .admin)
        }
    }

    @Test("After shutdown, a check is refused without PBKDF2")
    func afterShutdown() throws {
        try withChecker { checker, observations, loop throws in
            checker.shutdown()
            #expect(throws: SSHPasswordChecker.Refusal.shutDown) {
                try checker.check(user: "admin", password: adminPassword, on: loop).wait()
            }
            #expect(observations.current.entered == 0)
        }
    }

    @Test("Shutdown refuses the waiting checks without PBKDF2 and lets the running ones finish")
    func shutdownWhileBusy() throws {
        try withChecker(gated: true) { checker, observations, loop throws in
            let futures = (0..<5).map { _ in checker.check(user: "admin", password: adminPassword, on: loop) }
            try #require(eventually { observations.current.entered == 2 })
            let stopped = Flag()
            DispatchQueue.global().async {
                checker.shutdown()
                stopped.set()
            }
            // The waiting three are refused while the running two still hold their threads.
            let refused = futures[2...].map { future in
                let flag = Flag()
                future.whenFailure { if $0 as? SSHPasswordChecker.Refusal == .shutDown { flag.set() } }
                return flag
            }
            #expect(eventually { refused.allSatisfy(\.isSet) })
            #expect(!stopped.isSet)
            observations.gate.signal()
            observations.gate.signal()
            for future in futures[..<2] { #expect(try future.wait() == .admin) }
            try #require(eventually { stopped.isSet })
            #expect(observations.current.entered == 2)
            #expect(observations.current.derived == 2)
        }
    }
}
