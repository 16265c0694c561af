import Foundation
import ManholeTesting
import NIOCore
import Synchronization
import Testing
import Reactor
import Logging
import InMemoryLogging

@Suite("Timers")
struct TimerTests {
    @Test("callLater runs the body once on the reactor thread after the delay")
    func callLaterFires() throws {
        try withReactor { reactor throws in
            let fired = DispatchSemaphore(value: 0)
            let onReactor = Atomic<Bool>(false)
            let start = NIODeadline.now()
            let call = try holdingTheReactor(reactor) {
                let call = reactor.callLater(.milliseconds(20), name: "once") {
                    onReactor.store(reactor.isReactorThread, ordering: .relaxed)
                    fired.signal()
                }
                #expect(call.isActive)
                return call
            }
            #expect(call.dueTime >= start + .milliseconds(20))
            #expect(fired.wait(timeout: .now() + .seconds(30)) == .success)
            let onReactorValue = onReactor.load(ordering: .relaxed)
            #expect(onReactorValue)
            #expect(eventually { !call.isActive && reactor.timerCount == 0 })
        }
    }

    @Test("A cancelled delayed call never runs and leaves the registry")
    func cancelDelayedCall() throws {
        try withReactor { reactor throws in
            let ran = Atomic<Bool>(false)
            try holdingTheReactor(reactor) {
                let call = reactor.callLater(.milliseconds(30), name: "never") { ran.store(true, ordering: .relaxed) }
                #expect(reactor.timerCount == 1)
                call.cancel()
                #expect(!call.isActive)
                #expect(reactor.timerCount == 0)
            }
            // A later timer firing proves the reactor has passed the cancelled one's due time.
            let later = DispatchSemaphore(value: 0)
            _ = reactor.callLater(.milliseconds(60), name: "later") { later.signal() }
            #expect(later.wait(timeout: .now() + .seconds(30)) == .success)
            let ranValue = ran.load(ordering: .relaxed)
            #expect(!ranValue)
        }
    }

    @Test("reset and delay move the due time of an active call")
    func resetAndDelay() throws {
        try withReactor { reactor throws in
            let fired = DispatchSemaphore(value: 0)
            let call = reactor.callLater(.seconds(3600), name: "moved") { fired.signal() }
            let due = call.dueTime
            #expect(call.delay(by: .seconds(10)))
            #expect(call.dueTime == due + .seconds(10))
            #expect(call.reset(to: .milliseconds(10)))
            #expect(call.dueTime < due)
            #expect(fired.wait(timeout: .now() + .seconds(30)) == .success)
            #expect(eventually { !call.isActive })
            #expect(!call.reset(to: .seconds(1)))
            #expect(!call.delay(by: .seconds(1)))
        }
    }

    @Test("Every live timer is listed with id, name, kind, due time, interval and call site")
    func registryListing() throws {
        try withReactor { reactor throws in
            let one = reactor.callLater(.seconds(100), name: "one-shot") {}
            let loop = reactor.loopingCall(every: .seconds(50), now: false, name: "refresh") {}
            let timers = reactor.timers()
            #expect(timers.map(\.id) == [one.id, loop.id])
            #expect(timers.map(\.name) == ["one-shot", "refresh"])
            #expect(timers.map(\.kind) == [.delayed, .looping])
            #expect(timers.map(\.interval) == [nil, .seconds(50)])
            #expect(timers.allSatisfy { $0.callSite.fileID == "ReactorTests/TimerTests.swift" })
            #expect(timers[0].dueTime == one.dueTime)
            #expect(timers[0].dueIn() > .seconds(90))
            #expect(timers[1].dueIn() > .seconds(40))
            #expect(reactor.timers(limit: 1).map(\.name) == ["one-shot"])
            #expect(reactor.cancelTimer(id: loop.id))
            #expect(!loop.isRunning)
            #expect(!reactor.cancelTimer(id: loop.id))
            #expect(reactor.timers().map(\.name) == ["one-shot"])
        }
    }

    @Test("A looping call runs now and then every interval, counting runs, until stopped")
    func loopingCallRuns() throws {
        try withReactor { reactor throws in
            let runs = Atomic<Int>(0)
            let call = reactor.loopingCall(every: .milliseconds(5), name: "tick") {
                runs.add(1, ordering: .relaxed)
            }
            #expect(eventually { call.runCount >= 5 })
            call.stop()
            // A run already under way finishes; the next loop turn is past it.
            try reactor.waitFor(timeout: hangGuard) { () }
            let stoppedAt = call.runCount
            #expect(stoppedAt >= 5)
            #expect(!call.isRunning)
            #expect(reactor.timerCount == 0)
            // No run after stop: a later one-shot timer fires after several more intervals.
            let later = DispatchSemaphore(value: 0)
            _ = reactor.callLater(.milliseconds(30), name: "after") { later.signal() }
            #expect(later.wait(timeout: .now() + .seconds(30)) == .success)
            #expect(call.runCount == stoppedAt)
        }
    }

    @Test("A looping call started with now: false waits one interval first")
    func loopingCallNotNow() throws {
        try withReactor { reactor throws in
            let call = reactor.loopingCall(every: .seconds(3600), now: false, name: "hourly") {}
            try reactor.waitFor(timeout: hangGuard) { () }
            #expect(call.runCount == 0)
            #expect(call.dueTime > .now() + .seconds(3500))
        }
    }

    @Test("A looping call that throws keeps running and records the last error by default")
    func loopingCallThrowsKeepsRunning() throws {
        let capture = InMemoryLogHandler()
        try withReactor(logger: Logger(label: "test.capture") { _ in capture }) { reactor throws in
            let runs = Atomic<Int>(0)
            let call = reactor.loopingCall(every: .milliseconds(2), name: "flaky") {
                let run = runs.add(1, ordering: .relaxed).newValue
                if run % 2 == 1 { throw Boom(code: run) }
            }
            #expect(eventually { call.runCount >= 4 })
            call.stop()
            #expect(call.errorCount >= 2)
            let lastCode = (call.lastError as? Boom)?.code
            #expect(lastCode.map { $0 % 2 == 1 } == true)
            #expect(capture.entries.contains { $0.level == .error && $0.message == "looping call threw" && $0.metadata["timer"] == "flaky" })
        }
    }

    @Test("A looping call with stopOnError stops at the first error")
    func loopingCallThrowsStops() throws {
        try withReactor { reactor throws in
            let call = reactor.loopingCall(every: .milliseconds(1), name: "fragile", stopOnError: true) {
                throw Boom(code: 1)
            }
            #expect(eventually { !call.isRunning })
            #expect(call.runCount == 1)
            #expect(call.lastError as? Boom == Boom(code: 1))
            #expect(reactor.timerCount == 0)
            #expect(reactor.timers().isEmpty)
        }
    }

    @Test("A looping call that fell behind skips the missed runs instead of bunching them")
    func loopingCallSkipsMissedRuns() throws {
        try withReactor { reactor throws in
            let runs = Atomic<Int>(0)
            let block = DispatchSemaphore(value: 0)
            let call = reactor.loopingCall(every: .milliseconds(50), now: false, name: "skipper") {
                runs.add(1, ordering: .relaxed)
            }
            // Hold the reactor for 20 intervals; bunching would then run the body about 20 times.
            let blocker = reactor.runInReactor { () -> NIODeadline in
                _ = block.wait(timeout: .now() + .seconds(1))
                return .now()
            }
            let blockEnd = try blocker.wait(timeout: hangGuard)
            #expect(eventually { runs.load(ordering: .relaxed) >= 1 })
            try reactor.waitFor(timeout: hangGuard) { () }
            // One catch-up run, then one per interval since the block ended (however long this
            // thread took to get here), and one for rounding.
            let sinceBlock = NIODeadline.now() - blockEnd
            let allowed = 2 + Int(sinceBlock.nanoseconds / TimeAmount.milliseconds(50).nanoseconds)
            let ran = runs.load(ordering: .relaxed)
            #expect(ran <= allowed, "\(ran) runs, \(allowed) allowed")
            #expect(call.dueTime > blockEnd)
            call.stop()
        }
    }

    @Test("A delayed call that throws logs the error")
    func delayedCallThrows() throws {
        let capture = InMemoryLogHandler()
        try withReactor(logger: Logger(label: "test.capture") { _ in capture }) { reactor throws in
            let call = reactor.callLater(.milliseconds(1), name: "bad") { throw Boom(code: 2) }
            #expect(eventually { !call.isActive && capture.entries.contains { $0.message == "delayed call threw" } })
        }
    }
}
