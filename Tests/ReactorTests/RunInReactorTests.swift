import Foundation
import NIOCore
import Synchronization
import Testing
@testable import Reactor

@Suite("runInReactor")
struct RunInReactorTests {
    @Test("A value body runs on the reactor thread and its value becomes the result")
    func valueBodyRunsOnReactorThread() throws {
        try withReactor { reactor throws in
            let result = reactor.runInReactor { (reactor.isReactorThread, currentThreadName()) }
            let (onReactor, threadName) = try result.wait(timeout: hangGuard)
            #expect(onReactor)
            #expect(threadName == "manhole-reactor")
            #expect(result.state == .succeeded)
        }
    }

    @Test("runInReactor returns before the body has run")
    func returnsImmediately() throws {
        try withReactor { reactor throws in
            let gate = DispatchSemaphore(value: 0)
            let result = reactor.runInReactor { gate.wait(); return 1 }
            #expect(result.state == .pending)
            #expect(!result.isReady)
            gate.signal()
            #expect(try result.wait(timeout: hangGuard) == 1)
        }
    }

    @Test("A throwing body fails the result with the original error")
    func throwingBody() throws {
        try withReactor { reactor throws in
            let result = reactor.runInReactor { () throws -> Int in throw Boom(code: 7) }
            #expect(throws: Boom(code: 7)) { try result.wait(timeout: hangGuard) }
            #expect(result.state == .failed)
        }
    }

    @Test("A body returning an EventLoopFuture completes the result when the future does")
    func futureBody() throws {
        try withReactor { reactor throws in
            let promise = reactor.eventLoop.makePromise(of: String.self)
            let result = reactor.runInReactor { promise.futureResult }
            #expect(result.state == .pending)
            promise.succeed("later")
            #expect(try result.wait(timeout: hangGuard) == "later")
        }
    }

    @Test("A failed future fails the result with its error")
    func failedFutureBody() throws {
        try withReactor { reactor throws in
            let result = reactor.runInReactor { reactor.eventLoop.makeFailedFuture(Boom(code: 3)) as EventLoopFuture<Int> }
            #expect(throws: Boom(code: 3)) { try result.wait(timeout: hangGuard) }
        }
    }

    @Test("A body returning a Deferred completes the result when it is settled")
    func deferredBody() throws {
        try withReactor { reactor throws in
            let deferred = reactor.makeDeferred(of: Int.self)
            let result = reactor.runInReactor { deferred }
            deferred.succeed(42)
            deferred.succeed(43)  // ignored: the first settlement wins
            #expect(try result.wait(timeout: hangGuard) == 42)
        }
    }

    @Test("An async body runs on the reactor thread, also after a suspension point")
    func asyncBodyRunsOnReactorThread() throws {
        try withReactor { reactor throws in
            let result = reactor.runInReactor { () async throws -> [Bool] in
                let before = reactor.isReactorThread
                try await Task.sleep(for: .milliseconds(1))
                await Task.yield()
                return [before, reactor.isReactorThread]
            }
            #expect(try result.wait(timeout: hangGuard) == [true, true])
        }
    }

    @Test("Cancelling an async body's result cancels its task")
    func cancellingAsyncBodyCancelsTask() throws {
        try withReactor { reactor throws in
            let sawCancellation = DispatchSemaphore(value: 0)
            let started = DispatchSemaphore(value: 0)
            let result = reactor.runInReactor { () async throws -> Int in
                started.signal()
                do {
                    try await Task.sleep(for: .seconds(3600))
                } catch is CancellationError {
                    sawCancellation.signal()
                    throw CancellationError()
                }
                return 1
            }
            #expect(started.wait(timeout: .now() + .seconds(30)) == .success)
            result.cancel()
            #expect(throws: ReactorError.cancelled) { try result.wait(timeout: hangGuard) }
            #expect(sawCancellation.wait(timeout: .now() + .seconds(30)) == .success)
        }
    }

    @Test("Cancelling a Deferred body's result runs its canceller on the reactor thread")
    func cancellingDeferredRunsCanceller() throws {
        try withReactor { reactor throws in
            let cancellerRan = DispatchSemaphore(value: 0)
            let onReactor = Atomic<Bool>(false)
            let result = reactor.runInReactor {
                reactor.makeDeferred(of: Int.self) { _ in
                    onReactor.store(reactor.isReactorThread, ordering: .relaxed)
                    cancellerRan.signal()
                }
            }
            // The loop runs work in order: once this returns, the body has run and installed the canceller.
            try reactor.waitFor(timeout: hangGuard) { () }
            result.cancel()
            #expect(result.state == .cancelled)
            #expect(cancellerRan.wait(timeout: .now() + .seconds(30)) == .success)
            let onReactorValue = onReactor.load(ordering: .relaxed)
            #expect(onReactorValue)
        }
    }

    @Test("A result cancelled before its body starts never runs the body")
    func cancelBeforeStart() throws {
        try withReactor { reactor throws in
            let gate = DispatchSemaphore(value: 0)
            let ran = Atomic<Bool>(false)
            let blocker = reactor.runInReactor { gate.wait() }
            let result = reactor.runInReactor { ran.store(true, ordering: .relaxed) }
            result.cancel()
            gate.signal()
            try blocker.wait(timeout: hangGuard)
            try reactor.waitFor(timeout: hangGuard) { () }
            let ranValue = ran.load(ordering: .relaxed)
            #expect(!ranValue)
            #expect(result.state == .cancelled)
        }
    }

    @Test("Awaiting a result with wait() from async code returns the body's value or throws its error")
    func asyncWait() async throws {
        let reactor = Reactor()
        defer { reactor.stop() }
        let result = reactor.runInReactor { 5 }
        #expect(try await result.wait() == 5)
        let failing = reactor.runInReactor { () throws -> Int in throw Boom(code: 1) }
        await #expect(throws: Boom(code: 1)) { try await failing.wait() }
    }

    @Test("Awaiting a result with wait() throws cancelled once it is cancelled, as the blocking wait does")
    func asyncWaitCancelled() async throws {
        let reactor = Reactor()
        defer { reactor.stop() }
        let pending = reactor.runInReactor { reactor.makeDeferred(of: Int.self) }
        pending.cancel()
        await #expect(throws: ReactorError.cancelled) { try await pending.wait() }
        #expect(throws: ReactorError.cancelled) { try pending.wait(timeout: hangGuard) }
    }
}
