import ManholeWire
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Reactor
import Testing
@testable import Manhole
import ManholeClient
import ManholeTesting

@Suite("The shell's share of real time")
struct ShellBudgetTests {
    @Test("Past its share, sessions wait their turn: every one is answered in order and the host keeps working")
    func sessionsTakeTurns() throws {
        let app = App()
        let server = try TestServer(
            configure: { $0.shellShare = 0.1; $0.shellSlice = .seconds(1); $0.maxSessions = 12; $0.hostIsBusy = { _, _ in true } },
            namespace: ["app": app])
        let failures = NIOLockedValueBox<[String]>([])
        try withBystander(server) {
            let group = DispatchGroup()
            for index in 0..<8 {
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    do {
                        let connection = try server.connect()
                        // Pipelined: 50 commands in one write, so the session runs past its budget.
                        let lines = (0..<50).map { "inspect app.jobs[\($0)]\n" }.joined()
                        try connection.socket.write(lines)
                        for step in 0..<50 {
                            let reply = try connection.readFrame()
                            guard reply.kind == .ok, reply.payload == "app.jobs[\(step)]: Int = \(step)\n" else {
                                throw ShellError("session \(index) step \(step): \(reply.kind) \(reply.payload)")
                            }
                        }
                    } catch {
                        failures.withLockedValue { $0.append("\(error)") }
                    }
                }
            }
            group.wait()
        }
        #expect(failures.withLockedValue { $0 } == [])
        let budget = server.manhole.environment.budget
        let waits = try server.manhole.environment.eventLoop.submit { budget.waits }.wait()
        #expect(waits > 0, "the budget never made a session wait: it is not in the path")
    }

    @Test("A read that runs on the reactor thread is charged to the shell's budget, surcharged as a long stretch")
    func reactorWorkIsCharged() throws {
        let server = try TestServer(configure: { $0.shellShare = 0.2; $0.shellSlice = .microseconds(250); $0.hostIsBusy = { _, _ in true } })
        server.manhole.inspector.register("slow") { () -> Any in
            let end = ContinuousClock.now + .milliseconds(20)
            while ContinuousClock.now < end {}
            return 1
        }
        let connection = try server.connect()
        #expect(try connection.run("inspect slow").payload == "slow: Int = 1\n")
        // The charge is reported from the reactor thread after the reply is made; it arrives on
        // the sessions' loop shortly after.
        let budget = server.manhole.environment.budget
        let loop = server.manhole.environment.eventLoop
        // 20 ms on the reactor costs 20 × 20 ms (the surcharge's cap); only the sessions' own
        // work (well under 100 ms) would leave the balance far above -300 ms.
        #expect(eventually { (try? loop.submit { budget.balanceNanoseconds }.wait()).map { $0 < -300_000_000 } == true })
    }

    @Test("A spent budget resumes waiting sessions oldest first, once the window allows")
    func resumesInOrder() throws {
        let reactor = Reactor()
        defer { reactor.stop() }
        let order = try reactor.waitFor(timeout: .seconds(10)) { () -> EventLoopFuture<[Int]> in
            let budget = LoopBudget(
                eventLoop: reactor.eventLoop, share: 0.1, window: .milliseconds(10), slice: .microseconds(250))
            budget.measure {
                let start = NIODeadline.now()
                while NIODeadline.now() - start < .milliseconds(2) {}  // more than the 1 ms allowance
            }
            let spent = !budget.mayRun()
            let promise = reactor.eventLoop.makePromise(of: [Int].self)
            var order: [Int] = []
            for index in 0..<3 {
                budget.waitForTurn {
                    order.append(index)
                    if order.count == 3 { promise.succeed(spent ? order : []) }
                }
            }
            return promise.futureResult
        }
        #expect(order == [0, 1, 2])
    }

    @Test("Overspending is carried forward: after a 100 ms charge at a 20 % share, sessions wait 500 ms of refill, then resume")
    func overspendIsOwed() {
        let loop = EmbeddedEventLoop()
        // The thread's own clock stands still: only the charges below count.
        let budget = LoopBudget(
            eventLoop: loop, share: 0.2, window: .milliseconds(10), slice: .microseconds(250), workClock: { 0 })
        #expect(budget.mayRun())
        #expect(budget.balanceNanoseconds == 2_000_000, "a full bucket holds one window's allowance: 2 ms")
        // One command held the loop for 100 ms: 98 ms more than the bucket held.
        budget.charge(.milliseconds(100))
        #expect(budget.balanceNanoseconds == -98_000_000)
        var resumed = 0
        budget.waitForTurn { resumed += 1 }
        #expect(budget.waits == 1)
        // Paid back 2 ms per 10 ms window: 49 windows pay 98 ms, the 50th turns it positive.
        for step in 1...48 {
            loop.advanceTime(by: .milliseconds(10))
            guard resumed == 0, !budget.mayRun() else {
                Issue.record("the session ran again \(step * 10) ms after a 100 ms overspend")
                break
            }
        }
        #expect(budget.balanceNanoseconds == -2_000_000)
        #expect(budget.turns == 0)
        // The 49th window's refill only pays the debt off; the 50th makes the budget positive.
        loop.advanceTime(by: .milliseconds(10))
        #expect(resumed == 0)
        loop.advanceTime(by: .milliseconds(10))
        #expect(resumed == 1)
        #expect(budget.turns == 1)
        #expect(budget.balanceNanoseconds > 0)
        #expect(budget.mayRun())
        // A long pause refills the bucket only up to its capacity: no credit to overspend later.
        loop.advanceTime(by: .seconds(10))
        #expect(budget.balanceNanoseconds == 2_000_000)
        try? loop.syncShutdownGracefully()
    }

    @Test("Work longer than a slice is charged by the delay it causes: a 5 ms stretch costs 100 ms, a 100 µs one what it took")
    func longWorkIsSurcharged() {
        let slice = TimeAmount.microseconds(250).nanoseconds
        #expect(LoopBudget.cost(of: .microseconds(100), slice: slice) == .microseconds(100))
        #expect(LoopBudget.cost(of: .microseconds(250), slice: slice) == .microseconds(250))
        #expect(LoopBudget.cost(of: .milliseconds(1), slice: slice) == .milliseconds(4))
        #expect(LoopBudget.cost(of: .milliseconds(5), slice: slice) == .milliseconds(100))
        #expect(LoopBudget.cost(of: .seconds(1), slice: slice) == .seconds(20), "at most 20 times what it took")
        #expect(LoopBudget.cost(of: .nanoseconds(.max), slice: slice).nanoseconds > 0, "no overflow")
        #expect(LoopBudget.cost(of: .nanoseconds(-5), slice: slice) == .zero)
        // 5 ms of work (on an embedded loop whose wall clock stands still): 5 ms × 20 is charged,
        // the 5 ms itself on the wall clock (0 here), the rest as the surcharge.
        let loop = EmbeddedEventLoop()
        var work: Int64 = 0
        let budget = LoopBudget(
            eventLoop: loop, share: 0.2, window: .milliseconds(10), slice: .microseconds(250), workClock: { work })
        budget.measure { work += 5_000_000 }
        #expect(budget.balanceNanoseconds == 2_000_000 - 95_000_000)
        #expect(!budget.mayRun())
        try? loop.syncShutdownGracefully()
    }

    @Test("The surcharge is reckoned on the thread's CPU time: time spent preempted or asleep is charged once, not multiplied")
    func preemptionIsNotCharged() throws {
        let reactor = Reactor()
        defer { reactor.stop() }
        let balances = try reactor.waitFor(timeout: .seconds(10)) { () -> (before: Int64, after: Int64) in
            let budget = LoopBudget(
                eventLoop: reactor.eventLoop, share: 0.2, window: .milliseconds(10), slice: .microseconds(250))
            let before = budget.balanceNanoseconds
            // 20 ms off the CPU: charged 20 ms; surcharged on wall time it would be 400 ms.
            budget.measure { usleep(20_000) }
            return (before, budget.balanceNanoseconds)
        }
        let charged = balances.before - balances.after
        #expect(charged >= 20_000_000 && charged < 60_000_000, "charged \(charged) ns for 20 ms asleep")
    }

    @Test("Within the budget, a spent slice lets the loop's queued work go first, and the session resumes on the next turn")
    func sliceYields() {
        let loop = EmbeddedEventLoop()
        let budget = LoopBudget(eventLoop: loop, share: 0.2, window: .milliseconds(10), slice: .microseconds(250))
        budget.charge(.microseconds(300))
        #expect(!budget.mayRun(), "the slice is spent, the bucket is not")
        var order: [String] = []
        loop.execute { order.append("host") }
        budget.waitForTurn { order.append("session") }
        loop.run()
        #expect(order == ["host", "session"])
        try? loop.syncShutdownGracefully()
    }
}
