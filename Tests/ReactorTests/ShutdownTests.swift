import ManholeTesting
import NIOConcurrencyHelpers
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import Reactor

@Suite("Shutdown")
struct ShutdownTests {
    @Test("stop while 10 threads wait: every waiter gets reactorStopped and none hangs")
    func stopWakesAllWaiters() {
        let reactor = Reactor()
        let blocked = Atomic<Int>(0)
        let stopper = Thread {
            _ = eventually { reactor.trackedResults().reduce(0) { $0 + $1.waiters } == 10 }
            reactor.stop()
        }
        stopper.start()
        let errors = onThreads(10) { index -> ReactorError? in
            blocked.add(1, ordering: .relaxed)
            do {
                if index % 2 == 0 {
                    _ = try reactor.waitFor(timeout: .seconds(600)) { reactor.makeDeferred(of: Int.self) }
                } else {
                    _ = try reactor.runInReactor { reactor.makeDeferred(of: Int.self) }.wait(timeout: .seconds(600))
                }
                return nil
            } catch {
                return error as? ReactorError
            }
        }
        #expect(errors == Array(repeating: ReactorError.stopped, count: 10))
        #expect(reactor.isStopped)
    }

    @Test("stop calls off the work behind pending results: a Deferred's canceller runs and it is settled, an async body's task is cancelled")
    func stopCallsOffPendingWork() throws {
        let reactor = Reactor()
        let cancellerRan = DispatchSemaphore(value: 0)
        let made = NIOLockedValueBox<Deferred<Int>?>(nil)
        let deferredResult = reactor.runInReactor { () -> Deferred<Int> in
            let deferred = reactor.makeDeferred(of: Int.self) { _ in cancellerRan.signal() }
            made.withLockedValue { $0 = deferred }
            return deferred
        }
        let taskStarted = DispatchSemaphore(value: 0)
        let taskCancelled = DispatchSemaphore(value: 0)
        let asyncResult = reactor.runInReactor { () async throws -> Int in
            taskStarted.signal()
            do {
                try await Task.sleep(for: .seconds(600))
            } catch {
                taskCancelled.signal()
                throw error
            }
            return 1
        }
        #expect(taskStarted.wait(timeout: .now() + .seconds(30)) == .success)
        #expect(eventually { made.withLockedValue { $0 != nil } })
        reactor.stop()

        #expect(throws: ReactorError.stopped) { try deferredResult.wait(timeout: hangGuard) }
        #expect(throws: ReactorError.stopped) { try asyncResult.wait(timeout: hangGuard) }
        #expect(cancellerRan.wait(timeout: .now() + .seconds(30)) == .success)
        #expect(made.withLockedValue { $0?.isSettled } == true)
        #expect(taskCancelled.wait(timeout: .now() + .seconds(30)) == .success)
    }

    @Test("Timers that come due while stop is under way, after it closed the door and before it cancelled them, do not run")
    func timersDueDuringStopDoNotRun() throws {
        let reactor = Reactor()
        // Runs that began after stop closed the door: the violations. A run before stop is fine.
        let runsAfterStop = Atomic<Int>(0)
        let record: @Sendable () -> Void = {
            if reactor.isStopped { runsAfterStop.add(1, ordering: .relaxed) }
        }
        let delayed = reactor.callLater(.seconds(1), name: "due-during-stop", record)
        let looping = reactor.loopingCall(every: .seconds(1), now: false, name: "looping-during-stop", record)
        let pending = reactor.runInReactor { reactor.makeDeferred(of: Int.self) }
        try reactor.waitFor(timeout: hangGuard) { () }

        // Stop fails the pending result first and runs its callbacks on the stopping thread: that is
        // inside the window (door closed, timers not yet cancelled). Hold stop there until the loop
        // has run a task due after both timers: NIO runs due tasks in deadline order, so by then
        // both timers have come due on the loop.
        let pastTheTimers = DispatchSemaphore(value: 0)
        let heldInWindow = Atomic<Bool>(false)
        pending.box.whenComplete { _ in
            heldInWindow.store(reactor.isStopped && delayed.isActive, ordering: .relaxed)
            let latest = max(delayed.dueTime, looping.dueTime)
            reactor.eventLoop.scheduleTask(deadline: latest + .milliseconds(50)) { pastTheTimers.signal() }
            _ = pastTheTimers.wait(timeout: .now() + .seconds(30))
        }
        reactor.stop()
        let reachedWindow = heldInWindow.load(ordering: .relaxed)
        let violations = runsAfterStop.load(ordering: .relaxed)
        #expect(reachedWindow, "stop did not reach the window with the timers still active")
        #expect(violations == 0)
        #expect(!delayed.isActive)
        #expect(!looping.isRunning)
    }

    @Test("runInReactor after stop fails fast with reactorStopped and never runs the body")
    func runAfterStop() {
        let reactor = Reactor()
        reactor.stop()
        let ran = Atomic<Bool>(false)
        let result = reactor.runInReactor { ran.store(true, ordering: .relaxed) }
        #expect(result.state == .failed)
        #expect(throws: ReactorError.stopped) { try result.wait(timeout: .seconds(1)) }
        #expect(throws: ReactorError.stopped) { try reactor.waitFor(timeout: .seconds(1)) { 1 } }
        let ranValue = ran.load(ordering: .relaxed)
            #expect(!ranValue)
        let call = reactor.callLater(.milliseconds(1), name: "late") { ran.store(true, ordering: .relaxed) }
        #expect(!call.isActive)
        let loop = reactor.loopingCall(every: .milliseconds(1), name: "late-loop") { ran.store(true, ordering: .relaxed) }
        #expect(!loop.isRunning)
        #expect(reactor.timerCount == 0)
    }

    @Test("stop runs shutdown hooks in order on the reactor thread, cancels timers and ends the thread")
    func hooksTimersThread() throws {
        let reactor = Reactor()
        let order = NIOLockedValueBox<[String]>([])
        reactor.addShutdownHook(name: "first") {
            order.withLockedValue { $0.append("first:\(reactor.isReactorThread)") }
        }
        reactor.addShutdownHook(name: "second") {
            order.withLockedValue { $0.append("second:\(reactor.isReactorThread)") }
        }
        let timer = reactor.callLater(.seconds(3600), name: "pending") {}
        let loop = reactor.loopingCall(every: .seconds(3600), now: false, name: "pending-loop") {}
        let (loopThreadName, loopThreadID) = try reactor.waitFor(timeout: hangGuard) { (currentThreadName(), currentThreadID()) }
        #expect(loopThreadName == "manhole-reactor")
        #expect(FileManager.default.fileExists(atPath: "/proc/self/task/\(loopThreadID)"))
        reactor.stop()
        #expect(order.withLockedValue { $0 } == ["first:true", "second:true"])
        #expect(!timer.isActive)
        #expect(!loop.isRunning)
        #expect(reactor.timers().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "/proc/self/task/\(loopThreadID)"))
        reactor.stop()  // a second stop does nothing
        #expect(order.withLockedValue { $0 }.count == 2)
    }

    @Test("stop called on the reactor thread stops without deadlocking")
    func stopOnReactorThread() {
        let reactor = Reactor()
        let result = reactor.runInReactor { reactor.stop() }
        #expect(eventually { reactor.isStopped })
        #expect(throws: ReactorError.stopped) { try reactor.waitFor(timeout: .seconds(1)) { 1 } }
        // The body that called stop was itself still pending: its result is stopped too.
        #expect(throws: ReactorError.stopped) { try result.wait(timeout: hangGuard) }
    }

    @Test("A reactor attached to a host's loop runs bodies there and leaves the loop running after stop")
    func attachedLoop() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let hostLoop = group.next()
        let reactor = Reactor(attachingTo: hostLoop)
        #expect(try reactor.waitFor(timeout: hangGuard) { hostLoop.inEventLoop })
        reactor.stop()
        #expect(throws: ReactorError.stopped) { try reactor.waitFor(timeout: .seconds(1)) { 1 } }
        #expect(try hostLoop.submit { 7 }.wait() == 7)
    }
}

/// The kernel's id for the calling thread (Linux), from /proc/thread-self.
func currentThreadID() -> String {
    let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")) ?? "?"
    return String(link.split(separator: "/").last ?? "?")
}
