import Foundation
import ManholeTesting
import NIOConcurrencyHelpers
import NIOCore
import Synchronization
import Testing
import Reactor
import Logging
import InMemoryLogging

@Suite("EventualResult")
struct EventualResultTests {
    @Test("wait can be called many times and returns the same value")
    func waitManyTimes() throws {
        try withReactor { reactor throws in
            let result = reactor.runInReactor { [1, 2, 3] }
            for _ in 0..<5 { #expect(try result.wait(timeout: hangGuard) == [1, 2, 3]) }
        }
    }

    @Test("Many threads waiting on one result all get its value")
    func manyWaitersAtOnce() throws {
        try withReactor { reactor throws in
            let deferred = reactor.makeDeferred(of: String.self)
            let result = reactor.runInReactor { deferred }
            let started = Atomic<Int>(0)
            let release = Thread {
                _ = eventually { started.load(ordering: .relaxed) == 16 }
                deferred.succeed("everyone")
            }
            release.start()
            let values = onThreads(16) { _ in
                started.add(1, ordering: .relaxed)
                return (try? result.wait(timeout: hangGuard)) ?? "failed"
            }
            #expect(values == Array(repeating: "everyone", count: 16))
        }
    }

    @Test("wait times out without cancelling the work")
    func waitTimesOutWithoutCancelling() throws {
        try withReactor { reactor throws in
            let deferred = reactor.makeDeferred(of: Int.self)
            let result = reactor.runInReactor { deferred }
            #expect(throws: ReactorError.timedOut(after: .milliseconds(20))) { try result.wait(timeout: .milliseconds(20)) }
            #expect(result.state == .pending)
            deferred.succeed(1)
            #expect(try result.wait(timeout: hangGuard) == 1)
        }
    }

    @Test("wait on the reactor thread throws waitOnReactorThread at once")
    func waitOnReactorThread() throws {
        try withReactor { reactor throws in
            let pending = reactor.runInReactor { reactor.makeDeferred(of: Int.self) }
            let error = try reactor.waitFor(timeout: hangGuard) { () -> ReactorError? in
                do {
                    _ = try pending.wait(timeout: .seconds(60))
                    return nil
                } catch {
                    return error as? ReactorError
                }
            }
            #expect(error == .waitOnReactorThread)
            pending.cancel()
        }
    }

    @Test("cancel makes waiters throw cancelled; a finished result ignores cancel")
    func cancel() throws {
        try withReactor { reactor throws in
            let pending = reactor.runInReactor { reactor.makeDeferred(of: Int.self) }
            pending.cancel()
            #expect(throws: ReactorError.cancelled) { try pending.wait(timeout: hangGuard) }
            let done = reactor.runInReactor { 1 }
            _ = try done.wait(timeout: hangGuard)
            done.cancel()
            #expect(done.state == .succeeded)
        }
    }

    @Test("Work that starts after its result was cancelled is called off at once")
    func cancelledBeforeTheCancellerIsInstalled() throws {
        try withReactor { reactor throws in
            let cancellerRan = DispatchSemaphore(value: 0)
            let made = NIOLockedValueBox<Deferred<Int>?>(nil)
            let result = reactor.runInReactor { () -> Deferred<Int> in
                // The body cancels its own result while it runs: the Deferred it returns has no
                // canceller installed yet (as when a timeout or stop lands at that moment).
                for info in reactor.trackedResults() { _ = reactor.cancelResult(id: info.id) }
                let deferred = reactor.makeDeferred(of: Int.self) { _ in cancellerRan.signal() }
                made.withLockedValue { $0 = deferred }
                return deferred
            }
            #expect(throws: ReactorError.cancelled) { try result.wait(timeout: hangGuard) }
            #expect(cancellerRan.wait(timeout: .now() + .seconds(30)) == .success)
            #expect(eventually { made.withLockedValue { $0?.isSettled } == true })
        }
    }

    @Test("The failure keeps the original error, the call site and the thread")
    func failureContext() throws {
        try withReactor { reactor throws in
            let result = reactor.runInReactor { () throws -> Int in throw Boom(code: 11) }
            _ = try? result.wait(timeout: hangGuard)
            let failure = try #require(result.failure)
            #expect(failure.error as? Boom == Boom(code: 11))
            #expect(failure.callSite.fileID == "ReactorTests/EventualResultTests.swift")
            #expect(failure.callSite.function == "failureContext()")
            #expect(failure.threadName == "manhole-reactor")
            #expect(failure.description.hasPrefix("boom 11\n  error type: ReactorTests.Boom\n"))
            #expect(failure.description.contains("submitted at: ReactorTests/EventualResultTests.swift:"))
            #expect(reactor.runInReactor { 1 }.failure == nil)
        }
    }

    @Test("stash returns an id and retrieveResult gives the result back exactly once")
    func stashAndRetrieve() throws {
        try withReactor { reactor throws in
            let result = reactor.runInReactor { "kept" }
            let id = result.stash()
            #expect(result.stash() == id)
            let again = try reactor.retrieveResult(id, as: String.self)
            #expect(try again.wait(timeout: hangGuard) == "kept")
            #expect(throws: ReactorError.unknownResult(id: id)) { try reactor.retrieveResult(id, as: String.self) }
        }
    }

    @Test("Retrieving with the wrong type fails and leaves the result stashed")
    func retrieveWrongType() throws {
        try withReactor { reactor throws in
            let id = reactor.runInReactor { 3 }.stash()
            #expect(throws: ReactorError.resultTypeMismatch(id: id, expected: "Swift.String", actual: "Swift.Int")) {
                try reactor.retrieveResult(id, as: String.self)
            }
            #expect(try reactor.retrieveResult(id, as: Int.self).wait(timeout: hangGuard) == 3)
        }
    }

    @Test("A pending stashed result can be retrieved and then waited on")
    func retrievePending() throws {
        try withReactor { reactor throws in
            let deferred = reactor.makeDeferred(of: Int.self)
            let id = reactor.runInReactor { deferred }.stash()
            let retrieved = try reactor.retrieveResult(id, as: Int.self)
            #expect(reactor.stashedResults().isEmpty)
            deferred.succeed(8)
            #expect(try retrieved.wait(timeout: hangGuard) == 8)
            #expect(eventually { reactor.trackedResults().isEmpty })
        }
    }

    @Test("A failed result dropped without anyone looking is logged as an error")
    func unobservedFailureIsLogged() throws {
        let capture = InMemoryLogHandler()
        try withReactor(logger: Logger(label: "test.capture") { _ in capture }) { reactor throws in
            do {
                let result = reactor.runInReactor { () throws -> Int in throw Boom(code: 5) }
                #expect(eventually { result.isReady })
            }
            let errors = capture.entries.filter { $0.level == .error }
            #expect(errors.count == 1)
            let entry = try #require(errors.first)
            #expect(entry.message == "unhandled failure in reactor result")
            #expect(entry.metadata["error"] == "boom 5")
            #expect(entry.metadata["callSite"]?.description.hasPrefix("ReactorTests/EventualResultTests.swift:") == true)
        }
    }

    @Test("A failure that was waited on, read, or stashed is not logged when dropped")
    func observedFailureIsNotLogged() throws {
        let capture = InMemoryLogHandler()
        try withReactor(logger: Logger(label: "test.capture") { _ in capture }) { reactor throws in
            do {
                let waited = reactor.runInReactor { () throws -> Int in throw Boom(code: 1) }
                _ = try? waited.wait(timeout: hangGuard)
                let read = reactor.runInReactor { () throws -> Int in throw Boom(code: 2) }
                _ = eventually { read.isReady }
                _ = read.failure
                let stashed = reactor.runInReactor { () throws -> Int in throw Boom(code: 3) }
                _ = stashed.stash()
                _ = eventually { stashed.isReady }
            }
            #expect(capture.entries.filter { $0.level == .error }.isEmpty)
        }
    }
}
