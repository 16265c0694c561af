import Foundation
import Harness
import NIOCore
import Synchronization
import Testing
@testable import Reactor

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

    @Test("A timeout cancels the Deferred (its canceller runs) and throws timedOut")
    func timeoutCancelsDeferred() throws {
        try withReactor { reactor throws in
            let cancelled = DispatchSemaphore(value: 0)
            #expect(throws: ReactorError.timedOut(after: .milliseconds(50))) {
                try reactor.waitFor(timeout: .milliseconds(50)) {
                    reactor.makeDeferred(of: Int.self) { _ in cancelled.signal() }
                }
            }
            #expect(cancelled.wait(timeout: .now() + .seconds(30)) == .success)
        }
    }

    @Test("A timeout cancels an async body's task")
    func timeoutCancelsAsyncTask() throws {
        try withReactor { reactor throws in
            let cancelled = DispatchSemaphore(value: 0)
            #expect(throws: ReactorError.timedOut(after: .milliseconds(50))) {
                try reactor.waitFor(timeout: .milliseconds(50)) { () async throws -> Int in
                    do { try await Task.sleep(for: .seconds(3600)) } catch { cancelled.signal() }
                    return 0
                }
            }
            #expect(cancelled.wait(timeout: .now() + .seconds(30)) == .success)
        }
    }

    @Test("A timeout leaves the tracked result cancelled, not pending")
    func timeoutLeavesResultCancelled() throws {
        try withReactor { reactor throws in
            let deferred = reactor.makeDeferred(of: Int.self)
            #expect(throws: ReactorError.self) { try reactor.waitFor(timeout: .milliseconds(10)) { deferred } }
            #expect(eventually { deferred.isSettled })
            #expect(reactor.trackedResults().isEmpty)
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
