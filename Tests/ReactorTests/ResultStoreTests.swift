import Foundation
import ManholeTesting
import NIOCore
import Testing
import Reactor

@Suite("Result registry")
struct ResultStoreTests {
    @Test("Stashed results are listed with id, type, state, age and call site, without retrieving them")
    func listingStashedResults() throws {
        try withReactor { reactor throws in
            let ok = reactor.runInReactor { 1 }
            let okID = ok.stash()
            let failed = reactor.runInReactor { () throws -> String in throw Boom(code: 2) }
            let failedID = failed.stash()
            let deferred = reactor.makeDeferred(of: [Int].self)
            let pendingID = reactor.runInReactor { deferred }.stash()
            let cancelled = reactor.runInReactor { reactor.makeDeferred(of: Double.self) }
            let cancelledID = cancelled.stash()
            cancelled.cancel()
            _ = try ok.wait(timeout: hangGuard)
            #expect(eventually { failed.isReady })

            let listing = reactor.stashedResults()
            #expect(listing.map(\.id) == [okID, failedID, pendingID, cancelledID])
            #expect(listing.map(\.valueType) == ["Swift.Int", "Swift.String", "Swift.Array<Swift.Int>", "Swift.Double"])
            #expect(listing.map(\.state) == [.succeeded, .failed, .pending, .cancelled])
            #expect(listing.allSatisfy { $0.isStashed })
            #expect(listing.allSatisfy { $0.callSite.fileID == "ReactorTests/ResultStoreTests.swift" })
            #expect(listing[1].failureDescription == "boom 2")
            #expect(listing.allSatisfy { $0.age() >= .zero })
            #expect(reactor.resultCounts.stashed == 4)
            // Listing retrieved nothing.
            #expect(try reactor.retrieveResult(okID, as: Int.self).wait(timeout: hangGuard) == 1)
            #expect(reactor.stashedResults(limit: 2).map(\.id) == [failedID, pendingID])
            deferred.succeed([])
        }
    }

    @Test("In-flight results are tracked with the number of threads waiting and their shortest timeout")
    func inFlightWaiters() throws {
        try withReactor { reactor throws in
            let deferred = reactor.makeDeferred(of: Int.self)
            let result = reactor.runInReactor { deferred }
            let waiting = Thread { _ = try? result.wait(timeout: .seconds(600)) }
            waiting.start()
            let waiting2 = Thread { _ = try? result.wait(timeout: .seconds(300)) }
            waiting2.start()
            #expect(eventually { reactor.trackedResults().first?.waiters == 2 })
            let info = try #require(reactor.trackedResults().first)
            #expect(info.id == result.id)
            #expect(info.shortestWaitTimeout == .seconds(300))
            #expect(!info.isStashed)
            deferred.succeed(1)
            #expect(eventually { reactor.trackedResults().isEmpty })
        }
    }

    @Test("peekResult shows a value or a failure without retrieving")
    func peek() throws {
        try withReactor { reactor throws in
            let id = reactor.runInReactor { "value" }.stash()
            let failedID = (reactor.runInReactor { () throws -> Int in throw Boom(code: 4) }).stash()
            #expect(eventually { reactor.stashedResults().allSatisfy { $0.state != .pending } })
            let peek = try #require(reactor.peekResult(id: id))
            #expect(peek.value as? String == "value")
            #expect(peek.info.state == .succeeded)
            let failed = try #require(reactor.peekResult(id: failedID))
            #expect(failed.failure?.error as? Boom == Boom(code: 4))
            #expect(reactor.peekResult(id: 999_999) == nil)
            #expect(reactor.stashedResults().count == 2)
        }
    }

    @Test("cancelResult cancels a tracked result by id")
    func cancelByID() throws {
        try withReactor { reactor throws in
            let cancelled = DispatchSemaphore(value: 0)
            let result = reactor.runInReactor { reactor.makeDeferred(of: Int.self) { _ in cancelled.signal() } }
            try reactor.waitFor(timeout: hangGuard) { () }
            #expect(reactor.cancelResult(id: result.id))
            #expect(!reactor.cancelResult(id: result.id))
            #expect(throws: ReactorError.cancelled) { try result.wait(timeout: hangGuard) }
            #expect(cancelled.wait(timeout: .now() + .seconds(30)) == .success)
        }
    }

    @Test("Finished results that were not stashed are forgotten")
    func finishedResultsAreForgotten() throws {
        try withReactor { reactor throws in
            // Checked after every call: the waiter spins on the outcome, and the result used to be
            // forgotten just after the outcome was published, so a fast waiter could still see it.
            var stillTracked = 0
            for index in 0..<2_000 {
                _ = try reactor.waitFor(timeout: hangGuard) { index }
                if reactor.resultCounts.tracked != 0 { stillTracked += 1 }
            }
            #expect(stillTracked == 0)
            #expect(reactor.resultCounts.tracked == 0)
        }
    }
}
