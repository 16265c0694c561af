import Dispatch
import Foundation
import ManholeTesting
import NIOConcurrencyHelpers
import Reactor
import Testing

/// The races the Promela model found (docs/design.md, "The result's state machine, model
/// checked"), over the real Reactor: many rounds of the racing calls, each round checked.
@Suite("Races with stop and retrieve")
struct StopRaceTests {
    @Test("A result cancelled while the reactor stops always has its work called off (its Deferred's canceller runs)")
    func cancelDuringStop() throws {
        var missed = 0
        for _ in 0..<300 {
            let reactor = Reactor()
            let calledOff = NIOLockedValueBox(0)
            let result = reactor.runInReactor {
                reactor.makeDeferred(of: Int.self) { _ in calledOff.withLockedValue { $0 += 1 } }
            }
            // The body has run and its canceller is installed once a later call has run.
            _ = try reactor.waitFor(timeout: hangGuard) { 0 }
            let start = DispatchSemaphore(value: 0)
            let both = DispatchGroup()
            for role in 0..<2 {
                both.enter()
                Thread.detachNewThread {
                    start.wait()
                    if role == 0 { result.cancel() } else { reactor.stop() }
                    both.leave()
                }
            }
            start.signal()
            start.signal()
            both.wait()
            reactor.stop()
            if calledOff.withLockedValue({ $0 }) != 1 { missed += 1 }
        }
        #expect(missed == 0)
    }

    @Test("A result retrieved while it is being settled is not kept tracked after it finished")
    func retrieveDuringSettle() throws {
        try withReactor { reactor throws in
            for _ in 0..<5_000 {
                let deferred = reactor.makeDeferred(of: Int.self)
                let id = reactor.runInReactor { deferred }.stash()
                _ = try reactor.waitFor(timeout: hangGuard) { 0 }
                let start = DispatchSemaphore(value: 0)
                let both = DispatchGroup()
                let retrieved = NIOLockedValueBox<EventualResult<Int>?>(nil)
                for role in 0..<2 {
                    both.enter()
                    Thread.detachNewThread {
                        start.wait()
                        if role == 0 {
                            deferred.succeed(1)
                        } else {
                            let result = try? reactor.retrieveResult(id, as: Int.self)
                            retrieved.withLockedValue { $0 = result }
                        }
                        both.leave()
                    }
                }
                start.signal()
                start.signal()
                both.wait()
                #expect(try retrieved.withLockedValue { $0 }?.wait(timeout: hangGuard) == 1)
            }
            #expect(eventually { reactor.resultCounts.tracked == 0 })
            #expect(reactor.resultCounts.tracked == 0)
        }
    }
}
