import Foundation
import ManholeTesting
import NIOConcurrencyHelpers
import NIOCore
import Synchronization
import Testing
import Reactor

@Suite("waitFor")
struct WaitForTests {
    @Test("waitFor returns the body's value")
    func returnsValue() throws {
        try withReactor { reactor throws in
            #expect(try reactor.waitFor(timeout: hangGuard) { 6 * 7 } == 42)
        }
    }

    @Test("waitFor throws the body's own error")
    func throwsBodyError() throws {
        try withReactor { reactor throws in
            #expect(throws: Boom(code: 9)) {
                try reactor.waitFor(timeout: hangGuard) { () throws -> Int in throw Boom(code: 9) }
            }
        }
    }

    // A body the reactor has not begun when the wait times out never runs (the result is cancelled
    // first): the tests below expect the body's work to be called off only when the body ran, which
    // a short timeout leaves to the scheduler (a stall of the reactor thread longer than it).

    @Test("A timeout cancels the Deferred (its canceller runs) and throws timedOut")
    func timeoutCancelsDeferred() throws {
        try withReactor { reactor throws in
            let cancelled = DispatchSemaphore(value: 0)
            let ran = Atomic<Bool>(false)
            #expect(throws: ReactorError.timedOut(after: .milliseconds(50))) {
                try reactor.waitFor(timeout: .milliseconds(50)) {
                    ran.store(true, ordering: .sequentiallyConsistent)
                    return reactor.makeDeferred(of: Int.self) { _ in cancelled.signal() }
                }
            }
            try reactor.waitFor(timeout: hangGuard) { () }
            if ran.load(ordering: .sequentiallyConsistent) {
                #expect(cancelled.wait(timeout: .now() + .seconds(30)) == .success)
            }
        }
    }

    @Test("A timeout cancels an async body's task")
    func timeoutCancelsAsyncTask() throws {
        try withReactor { reactor throws in
            let cancelled = DispatchSemaphore(value: 0)
            let ran = Atomic<Bool>(false)
            #expect(throws: ReactorError.timedOut(after: .milliseconds(50))) {
                try reactor.waitFor(timeout: .milliseconds(50)) { () async throws -> Int in
                    ran.store(true, ordering: .sequentiallyConsistent)
                    do { try await Task.sleep(for: .seconds(3600)) } catch { cancelled.signal() }
                    return 0
                }
            }
            // The task was created, but its first job may not have run yet: wait for the loop twice.
            try reactor.waitFor(timeout: hangGuard) { () }
            try reactor.waitFor(timeout: hangGuard) { () }
            if ran.load(ordering: .sequentiallyConsistent) {
                #expect(cancelled.wait(timeout: .now() + .seconds(30)) == .success)
            }
        }
    }

    @Test("A timeout leaves the tracked result cancelled, not pending")
    func timeoutLeavesResultCancelled() throws {
        try withReactor { reactor throws in
            let made = NIOLockedValueBox<Deferred<Int>?>(nil)
            #expect(throws: ReactorError.self) {
                try reactor.waitFor(timeout: .milliseconds(10)) {
                    let deferred = reactor.makeDeferred(of: Int.self)
                    made.withLockedValue { $0 = deferred }
                    return deferred
                }
            }
            #expect(reactor.trackedResults().isEmpty)
            try reactor.waitFor(timeout: hangGuard) { () }
            if let deferred = made.withLockedValue({ $0 }) {
                #expect(eventually { deferred.isSettled })
            }
        }
    }

    @Test("waitFor works with futures and async bodies")
    func futureAndAsync() throws {
        try withReactor { reactor throws in
            #expect(try reactor.waitFor(timeout: hangGuard) { reactor.eventLoop.makeSucceededFuture("f") } == "f")
            #expect(try reactor.waitFor(timeout: hangGuard) { () async in "a" } == "a")
        }
    }

    @Test("waitFor on the reactor thread throws instead of deadlocking")
    func waitForOnReactorThread() throws {
        try withReactor { reactor throws in
            let inner = try reactor.waitFor(timeout: hangGuard) { () -> String in
                do {
                    _ = try reactor.waitFor(timeout: .seconds(1)) { 1 }
                    return "returned"
                } catch {
                    return "\(error)"
                }
            }
            #expect(inner == ReactorError.waitOnReactorThread.description)
        }
    }

    @Test("Many threads can call waitFor at once")
    func manyThreads() throws {
        try withReactor { reactor throws in
            let sums = onThreads(8) { index in
                (0..<200).reduce(0) { sum, step in sum + ((try? reactor.waitFor(timeout: hangGuard) { index + step }) ?? -1_000_000) }
            }
            #expect(sums == (0..<8).map { index in (0..<200).reduce(0) { $0 + index + $1 } })
        }
    }
}
