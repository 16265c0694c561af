import Foundation
import InMemoryLogging
import Logging
import ManholeTesting
import NIOConcurrencyHelpers
import Synchronization
import Testing
import Reactor

/// `count` results on `reactor` that stay pending until the test settles their deferreds. Returns
/// once every body has run, so cancelling a result reaches its deferred (a deferred whose body never
/// ran would be dropped unsettled, which SwiftNIO reports as a leaked promise).
private func pendingResults<T: Sendable>(
    _ reactor: Reactor, _ count: Int, of type: T.Type = T.self
) -> (results: [EventualResult<T>], deferreds: [Deferred<T>]) {
    let made = NIOLockedValueBox<[Int: Deferred<T>]>([:])
    let results = (0..<count).map { index in
        reactor.runInReactor { () -> Deferred<T> in
            let deferred = reactor.makeDeferred(of: T.self)
            made.withLockedValue { $0[index] = deferred }
            return deferred
        }
    }
    _ = eventually { made.withLockedValue { $0.count } == count }
    return (results, made.withLockedValue { made in (0..<count).map { made[$0]! } })
}

/// The tracked results whose call site is in this file, and which are gathers (their value type says so).
private func gathersListed(_ reactor: Reactor, valueType: String) -> [ResultInfo] {
    reactor.trackedResults().filter { $0.valueType == valueType && $0.callSite.fileID.hasSuffix("GatherTests.swift") }
}

@Suite("Gather")
struct GatherTests {
    @Test("waitForAll returns the values in input order, whatever order they arrive in")
    func allSucceedInInputOrder() throws {
        try withReactor { reactor throws in
            let (results, deferreds) = pendingResults(reactor, 3, of: Int.self)
            let gather = reactor.gatherAll(results)
            for index in [2, 0, 1] {
                deferreds[index].succeed(index * 10)
                #expect(eventually { results[index].isReady })
            }
            #expect(try gather.wait(timeout: hangGuard) == [0, 10, 20])
            #expect(try reactor.waitForAll(results, timeout: hangGuard) == [0, 10, 20])
        }
    }

    @Test("waitForAll throws the first failure in time and leaves the others running unless asked to cancel them")
    func firstFailureWins() throws {
        try withReactor { reactor throws in
            let (results, deferreds) = pendingResults(reactor, 3, of: Int.self)
            deferreds[2].fail(Boom(code: 2))
            #expect(eventually { results[2].isReady })
            deferreds[0].fail(Boom(code: 0))
            #expect(eventually { results[0].isReady })
            #expect(throws: Boom(code: 2)) { try reactor.waitForAll(results, timeout: hangGuard) }
            #expect(results[1].state == .pending)

            let (others, _) = pendingResults(reactor, 2, of: Int.self)
            let failing = reactor.runInReactor { () throws -> Int in throw Boom(code: 7) }
            #expect(throws: Boom(code: 7)) {
                try reactor.waitForAll(others + [failing], timeout: hangGuard, cancelRemainingOnFailure: true)
            }
            #expect(others.map(\.state) == [.cancelled, .cancelled])
        }
    }

    @Test("A gather's failure is the input's own, with the input's call site; a cancelled input fails it with cancelled")
    func failureKeepsItsContext() throws {
        try withReactor { reactor throws in
            let (results, _) = pendingResults(reactor, 1, of: Int.self)
            let failing = reactor.runInReactor { () throws -> Int in throw Boom(code: 3) }
            let gather = reactor.gatherAll(results + [failing])
            #expect(throws: Boom(code: 3)) { try gather.wait(timeout: hangGuard) }
            #expect(gather.failure?.callSite == failing.callSite)
            #expect(gather.callSite != failing.callSite)

            let cancelled = reactor.gatherAll(results)
            results[0].cancel()
            #expect(throws: ReactorError.cancelled) { try cancelled.wait(timeout: hangGuard) }
        }
    }

    @Test("On timeout the pending inputs are cancelled, or left running when the caller asks, and the gather leaves the listing")
    func timeoutCancelsOnlyWhenAsked() throws {
        try withReactor { reactor throws in
            let (kept, _) = pendingResults(reactor, 2, of: Int.self)
            let done = reactor.runInReactor { 1 }
            #expect(throws: ReactorError.timedOut(after: .milliseconds(20))) {
                try reactor.waitForAll(kept + [done], timeout: .milliseconds(20), cancelRemainingOnTimeout: false)
            }
            #expect(kept.map(\.state) == [.pending, .pending])
            #expect(throws: ReactorError.timedOut(after: .milliseconds(20))) {
                try reactor.waitForAllOutcomes(kept, timeout: .milliseconds(20), cancelRemainingOnTimeout: false)
            }
            #expect(kept.map(\.state) == [.pending, .pending])
            // The gathers that timed out are gone from the listing though their inputs still run.
            #expect(reactor.trackedResults().filter { $0.callSite.function == "timeoutCancelsOnlyWhenAsked()" }.isEmpty)
            #expect(reactor.trackedResults().count == 2)

            #expect(throws: ReactorError.timedOut(after: .milliseconds(20))) {
                try reactor.waitForAll(kept + [done], timeout: .milliseconds(20))
            }
            #expect(kept.map(\.state) == [.cancelled, .cancelled])
            #expect(done.state == .succeeded)

            let (raced, _) = pendingResults(reactor, 2, of: Int.self)
            #expect(throws: ReactorError.timedOut(after: .milliseconds(20))) {
                try reactor.waitForFirst(raced, timeout: .milliseconds(20))
            }
            #expect(raced.map(\.state) == [.cancelled, .cancelled])
            #expect(reactor.trackedResults().filter { $0.callSite.fileID.hasSuffix("GatherTests.swift") }.isEmpty)
        }
    }

    @Test("waitForFirst returns the first to finish, succeeded or failed, and cancels the others only when asked")
    func firstFinisherWins() throws {
        try withReactor { reactor throws in
            let (results, deferreds) = pendingResults(reactor, 3, of: String.self)
            deferreds[1].succeed("second")
            let first = try reactor.waitForFirst(results, timeout: hangGuard)
            #expect(first.index == 1 && first.value == "second")
            #expect(results[0].state == .pending && results[2].state == .pending)

            deferreds[2].fail(Boom(code: 2))
            #expect(eventually { results[2].isReady })
            let failedFirst = [results[0], results[2]]
            #expect(throws: Boom(code: 2)) { try reactor.waitForFirst(failedFirst, timeout: hangGuard) }

            let (raced, racers) = pendingResults(reactor, 3, of: Int.self)
            racers[2].succeed(3)
            let winner = try reactor.waitForFirst(raced, timeout: hangGuard, cancelOthers: true)
            #expect(winner.index == 2 && winner.value == 3)
            #expect(raced.map(\.state) == [.cancelled, .cancelled, .succeeded])
        }
    }

    @Test("waitForAllOutcomes returns every outcome in input order and throws none of them")
    func allOutcomes() throws {
        try withReactor { reactor throws in
            let (results, deferreds) = pendingResults(reactor, 3, of: Int.self)
            deferreds[1].fail(Boom(code: 1))
            deferreds[0].succeed(5)
            results[2].cancel()
            let outcomes = try reactor.waitForAllOutcomes(results, timeout: hangGuard)
            #expect(outcomes.count == 3)
            #expect(try outcomes[0].get() == 5)
            #expect(throws: Boom(code: 1)) { try outcomes[1].get() }
            #expect(throws: ReactorError.cancelled) { try outcomes[2].get() }
        }
    }

    @Test("Results of different types are gathered into a tuple, and a failure among them is thrown")
    func mixedTypes() throws {
        try withReactor { reactor throws in
            let deferred = reactor.makeDeferred(of: Double.self)
            let number = reactor.runInReactor { 3 }
            let name = reactor.runInReactor { "jobs" }
            let ratio = reactor.runInReactor { deferred }
            deferred.succeed(0.5)
            let (count, label, fraction) = try reactor.waitForAll(number, name, ratio, timeout: hangGuard)
            #expect(count == 3 && label == "jobs" && fraction == 0.5)

            let failing = reactor.runInReactor { () throws -> [UInt8] in throw Boom(code: 4) }
            #expect(throws: Boom(code: 4)) { try reactor.waitForAll(name, failing, timeout: hangGuard) }
            let single: Int = try reactor.waitForAll(number, timeout: hangGuard)
            #expect(single == 3)
        }
    }

    @Test("An empty list returns at once and tracks nothing")
    func emptyInput() throws {
        try withReactor { reactor throws in
            let none: [EventualResult<Int>] = []
            #expect(try reactor.waitForAll(none, timeout: .zero) == [])
            #expect(try reactor.waitForAllOutcomes(none, timeout: .zero).isEmpty)
            try reactor.waitForAll(timeout: .zero)
            #expect(try reactor.gatherAll(none).wait(timeout: .zero) == [])
            #expect(reactor.trackedResults().isEmpty)
        }
    }

    @Test("waitForFirst of no results is a programming error: the process stops with a message")
    func firstOfNone() async {
        await #expect(processExitsWith: .failure) {
            let reactor = Reactor()
            _ = try? reactor.waitForFirst([EventualResult<Int>](), timeout: .zero)
        }
    }

    @Test("A gather is listed among the tracked results with its waiter while it waits, and stop wakes it with stopped")
    func listedAndStopped() throws {
        let reactor = Reactor()
        defer { reactor.stop() }
        let (results, _) = pendingResults(reactor, 2, of: Int.self)
        let listed = NIOLockedValueBox<[ResultInfo]>([])
        let stopper = Thread {
            _ = eventually { gathersListed(reactor, valueType: "Swift.Array<Swift.Int>").first?.waiters == 1 }
            listed.withLockedValue { $0 = gathersListed(reactor, valueType: "Swift.Array<Swift.Int>") }
            reactor.stop()
        }
        stopper.start()
        #expect(throws: ReactorError.stopped) { try reactor.waitForAll(results, timeout: .seconds(600)) }
        let entry = try #require(listed.withLockedValue { $0.count == 1 ? $0.first : nil })
        #expect(entry.waiters == 1)
        #expect(entry.state == .pending)
        #expect(entry.callSite.function == "listedAndStopped()")
    }

    @Test("Waiting for several results on the reactor thread throws waitOnReactorThread and tracks nothing")
    func onReactorThread() throws {
        try withReactor { reactor throws in
            let (results, deferreds) = pendingResults(reactor, 1, of: Int.self)
            let errors = try reactor.waitFor(timeout: hangGuard) { () -> [ReactorError?] in
                func caught(_ body: () throws -> Void) -> ReactorError? {
                    do { try body() } catch { return error as? ReactorError }
                    return nil
                }
                return [
                    caught { _ = try reactor.waitForAll(results, timeout: .seconds(60)) },
                    caught { _ = try reactor.waitForAllOutcomes(results, timeout: .seconds(60)) },
                    caught { _ = try reactor.waitForFirst(results, timeout: .seconds(60)) },
                    caught { _ = try reactor.waitForAll(results[0], results[0], timeout: .seconds(60)) },
                ]
            }
            #expect(errors == Array(repeating: .waitOnReactorThread, count: 4))
            #expect(reactor.trackedResults().map(\.id) == [results[0].id])
            deferreds[0].succeed(1)
        }
    }

    @Test("The failure a gather reports counts as handled; a later failure it never reported is still logged")
    func unreportedFailureStaysUnhandled() throws {
        let capture = InMemoryLogHandler()
        try withReactor(logger: Logger(label: "test.capture") { _ in capture }) { reactor throws in
            do {
                let (results, deferreds) = pendingResults(reactor, 2, of: Int.self)
                deferreds[0].fail(Boom(code: 1))
                #expect(throws: Boom(code: 1)) { try reactor.waitForAll(results, timeout: hangGuard) }
                deferreds[1].fail(Boom(code: 2))
                #expect(eventually { results[1].isReady })
            }
            let errors = capture.entries.filter { $0.level == .error }
            #expect(errors.map(\.metadata["error"]) == ["boom 2"])
        }
    }

    @Test("Failures handed over by waitForAllOutcomes count as handled")
    func outcomesHandleFailures() throws {
        let capture = InMemoryLogHandler()
        try withReactor(logger: Logger(label: "test.capture") { _ in capture }) { reactor throws in
            do {
                let failing = (1...2).map { code in reactor.runInReactor { () throws -> Int in throw Boom(code: code) } }
                _ = try reactor.waitForAllOutcomes(failing, timeout: hangGuard)
            }
            #expect(capture.entries.filter { $0.level == .error }.isEmpty)
        }
    }

    @Test("The guide's example of waiting for several results runs as written")
    func guideExample() throws {
        try withReactor { reactor throws in
            @Sendable func fetch(_ mirror: String) -> String { "page from \(mirror)" }
            // --- docs/guide.md, "Waiting for several results" ---
            let jobs = (1...3).map { n in reactor.runInReactor { n * n } }
            let squares = try reactor.waitForAll(jobs, timeout: .seconds(5))            // [1, 4, 9]

            let outcomes = try reactor.waitForAllOutcomes(jobs, timeout: .seconds(5))   // [.success(1), …]
            let failures = outcomes.filter { (try? $0.get()) == nil }.count

            let mirrors = ["a", "b"].map { name in reactor.runInReactor { fetch(name) } }
            let (index, page) = try reactor.waitForFirst(mirrors, timeout: .seconds(5), cancelOthers: true)

            let (count, label) = try reactor.waitForAll(
                reactor.runInReactor { 3 }, reactor.runInReactor { "jobs" }, timeout: .seconds(5))
            // ---
            #expect(squares == [1, 4, 9] && failures == 0)
            #expect(page == fetch(["a", "b"][index]))
            #expect(count == 3 && label == "jobs")
        }
    }
}
