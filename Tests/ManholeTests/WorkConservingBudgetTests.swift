import Foundation
import ManholeClient
import ManholeTesting
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Reactor
import Testing
@testable import Manhole

/// The shell's budget steps aside only for a working host: on an idle one, sessions run at full
/// speed and owe nothing; once the host works, the share applies from the next window.
@Suite("A work-conserving shell budget")
struct WorkConservingBudgetTests {
    @Test("On an idle host a 100 ms command is not owed: the next line runs at once; on a busy one it waits")
    func idleHostOwesNothing() {
        let loop = EmbeddedEventLoop()
        defer { try? loop.syncShutdownGracefully() }
        let busy = NIOLockedValueBox(false)
        let budget = LoopBudget(
            eventLoop: loop, share: 0.2, window: .milliseconds(10), slice: .microseconds(250),
            hostIsBusy: { _, _ in busy.withLockedValue { $0 } })
        // The first window's answer is taken at its end: until then the safe side (busy) holds.
        loop.advanceTime(by: .milliseconds(10))
        #expect(budget.mayRun())
        budget.charge(.milliseconds(100))
        #expect(budget.balanceNanoseconds == 0, "an idle host's budget does not go into debt")
        loop.advanceTime(by: .milliseconds(1))
        #expect(budget.mayRun(), "an idle host does not hold the next line back")

        busy.withLockedValue { $0 = true }
        loop.advanceTime(by: .milliseconds(10))
        #expect(budget.mayRun())
        budget.charge(.milliseconds(100))
        #expect(budget.balanceNanoseconds < -90_000_000)
        loop.advanceTime(by: .milliseconds(1))
        #expect(!budget.mayRun(), "a busy host's share applies again")
    }

    @Test("What the sessions' thread does outside the measured handlers (socket reads and writes) is charged at each window's end")
    func unmeasuredWorkIsCharged() {
        let loop = EmbeddedEventLoop()
        defer { try? loop.syncShutdownGracefully() }
        let cpu = NIOLockedValueBox<Int64>(0)
        let budget = LoopBudget(
            eventLoop: loop, share: 0.2, window: .milliseconds(10), slice: .microseconds(250),
            workClock: { cpu.withLockedValue { $0 } })
        loop.advanceTime(by: .milliseconds(10))
        #expect(budget.balanceNanoseconds == 2_000_000, "the first window's end only takes the clock's reading")
        // 100 µs inside a handler (charged as it runs: its wall time, 0 on this loop's clock), 3 ms outside any.
        budget.measure { cpu.withLockedValue { $0 += 100_000 } }
        cpu.withLockedValue { $0 += 3_000_000 }
        loop.advanceTime(by: .milliseconds(10))
        // 2 ms held − 3 ms unmeasured + 2 ms refilled.
        #expect(budget.balanceNanoseconds == 1_000_000)
    }

    @Test("The host is busy when its threads (all but the sessions') used a fifth of a core since the last look")
    func hostActivity() {
        let process = NIOLockedValueBox<Int64>(0)
        let probe = HostActivity(processClock: { process.withLockedValue { $0 } })
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        #expect(probe.isBusy(at: start, threadWork: 0), "nothing is known at the first look")
        // 10 ms later: the process used 5 ms of CPU, 4 of them the sessions' own: the host 1 ms (10 %).
        process.withLockedValue { $0 += 5_000_000 }
        #expect(!probe.isBusy(at: start + .milliseconds(10), threadWork: 4_000_000))
        // The next 10 ms: the host used 3 ms (30 %).
        process.withLockedValue { $0 += 7_000_000 }
        #expect(probe.isBusy(at: start + .milliseconds(20), threadWork: 8_000_000))
        // A blocked host (a reactor waiting on a lock) uses nothing: idle.
        #expect(!probe.isBusy(at: start + .milliseconds(30), threadWork: 8_000_000))
    }

    @Test("The reactor polling for its next call is not the host's work")
    func shellWorkOnTheReactorIsNotTheHosts() {
        let process = NIOLockedValueBox<Int64>(0)
        let polled = NIOLockedValueBox<Int64>(0)
        let probe = HostActivity(processClock: { process.withLockedValue { $0 } }, idleClock: { polled.withLockedValue { $0 } })
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        _ = probe.isBusy(at: start, threadWork: 0)
        // 10 ms: the process used 7 ms: 3 on the sessions' thread, 3 with the reactor polling for
        // the shell's next call, 1 of the host's own (10 %): idle.
        process.withLockedValue { $0 += 7_000_000 }
        polled.withLockedValue { $0 += 3_000_000 }
        #expect(!probe.isBusy(at: start + .milliseconds(10), threadWork: 3_000_000))
        // The next 10 ms the same, but 2 ms of the host's own work (20 %): busy.
        process.withLockedValue { $0 += 8_000_000 }
        polled.withLockedValue { $0 += 3_000_000 }
        #expect(probe.isBusy(at: start + .milliseconds(20), threadWork: 6_000_000))
    }

    @Test("Over a socket, at a 5 % share: commands back to back never wait for a refill on an idle host, and do on a busy one")
    func backToBack() throws {
        for hostBusy in [false, true] {
            let server = try TestServer(configure: {
                $0.shellShare = 0.05
                $0.shellSlice = .microseconds(250)
                $0.hostIsBusy = { _, _ in hostBusy }
            })
            let connection = try server.connect()
            // The budget takes the host's state at each window's end, and until the first one it
            // assumes the safe side (busy), which the login may have met: count from after it.
            Thread.sleep(forTimeInterval: 0.03)
            let budget = server.manhole.environment.budget
            let loop = server.manhole.environment.eventLoop
            let before = try loop.submit { budget.refillWaits }.wait()
            // A busy host's share holds back a debug build's commands within a few: 20 show it.
            for _ in 0..<(hostBusy ? 20 : 300) { #expect(try connection.run("whoami").kind == .ok) }
            let waits = try loop.submit { budget.refillWaits }.wait() - before
            if hostBusy {
                #expect(waits > 0, "a busy host's share never held a session back")
            } else {
                #expect(waits == 0, "an idle host's budget held a session back for a refill \(waits) times")
            }
        }
    }
}
