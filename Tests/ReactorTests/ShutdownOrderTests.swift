import Dispatch
import Foundation
import InMemoryLogging
import Logging
import ManholeTesting
import NIOConcurrencyHelpers
import Reactor
import Testing

/// Shutdown hooks run in phases, each within its own bound, all within the stop's.
@Suite("Shutdown order")
struct ShutdownOrderTests {
    private func overruns(_ capture: InMemoryLogHandler) -> [InMemoryLogHandler.Entry] {
        capture.entries.filter { $0.message == "shutdown hook overran its time bound" }
    }

    @Test("Phases run in order (beforeStop off the reactor thread, sessions then cleanup on it), hooks of a phase in the order added")
    func phasesRunInOrder() {
        let reactor = Reactor()
        let order = NIOLockedValueBox<[String]>([])
        func hook(_ name: String, _ phase: ShutdownPhase) {
            reactor.addShutdownHook(name: name, phase: phase) {
                order.withLockedValue { $0.append("\(name):\(reactor.isReactorThread)") }
            }
        }
        hook("c1", .cleanup)
        hook("b1", .beforeStop)
        hook("s1", .sessions)
        reactor.addShutdownHook(name: "c2") { order.withLockedValue { $0.append("c2:\(reactor.isReactorThread)") } }
        hook("b2", .beforeStop)
        reactor.stop()
        #expect(order.withLockedValue { $0 } == ["b1:false", "b2:false", "s1:true", "c1:true", "c2:true"])
    }

    @Test("beforeStop hooks run while the reactor still serves: a drain completes pending work, its waiter gets the value, not stopped")
    func beforeStopDrains() throws {
        let reactor = Reactor()
        let deferred = reactor.makeDeferred(of: Int.self)
        let pending = reactor.runInReactor { deferred }
        let sawStopped = NIOLockedValueBox<Bool?>(nil)
        reactor.addShutdownHook(name: "drain", phase: .beforeStop) {
            sawStopped.withLockedValue { $0 = reactor.isStopped }
            _ = try? reactor.waitFor(timeout: .seconds(5)) { deferred.succeed(41) }
        }
        reactor.stop()
        #expect(sawStopped.withLockedValue { $0 } == false)
        #expect(try pending.wait(timeout: hangGuard) == 41)
        #expect(throws: ReactorError.stopped) { try reactor.waitFor(timeout: .seconds(1)) { 1 } }
    }

    @Test("A beforeStop hook past its bound is logged and left running; the later hooks still run and stop returns")
    func beforeStopOverrun() {
        let capture = InMemoryLogHandler()
        let reactor = Reactor(configuration: .init(logger: Logger(label: "test.capture") { _ in capture }))
        let release = DispatchSemaphore(value: 0)
        let ran = NIOLockedValueBox<[String]>([])
        reactor.addShutdownHook(name: "stuck", phase: .beforeStop, timeout: .milliseconds(50)) {
            _ = release.wait(timeout: .now() + .seconds(30))
            ran.withLockedValue { $0.append("stuck") }
        }
        reactor.addShutdownHook(name: "after", phase: .beforeStop) { ran.withLockedValue { $0.append("after") } }
        reactor.addShutdownHook(name: "cleanup") { ran.withLockedValue { $0.append("cleanup") } }
        reactor.stop(timeout: .seconds(20))
        #expect(ran.withLockedValue { $0 } == ["after", "cleanup"])
        let warnings = overruns(capture)
        #expect(warnings.count == 1)
        #expect(warnings.first?.metadata["hook"] == "stuck")
        #expect(warnings.first?.metadata["phase"] == "beforeStop")
        release.signal()
        #expect(eventually { ran.withLockedValue { $0 }.count == 3 })
    }

    @Test("A hook on the reactor thread past its bound is logged once, while it still runs, and the next hook runs after it")
    func loopHookOverrun() {
        let capture = InMemoryLogHandler()
        let reactor = Reactor(configuration: .init(logger: Logger(label: "test.capture") { _ in capture }))
        let loggedWhileRunning = NIOLockedValueBox<Bool>(false)
        reactor.addShutdownHook(name: "slow", timeout: .milliseconds(20)) {
            // Runs until the stopping thread has logged the overrun (or the hang guard passes).
            loggedWhileRunning.withLockedValue { $0 = eventually(within: .seconds(10)) { !overruns(capture).isEmpty } }
        }
        let nextRan = NIOLockedValueBox<Bool>(false)
        reactor.addShutdownHook(name: "next") { nextRan.withLockedValue { $0 = true } }
        reactor.stop(timeout: .seconds(20))
        #expect(loggedWhileRunning.withLockedValue { $0 })
        #expect(nextRan.withLockedValue { $0 })
        #expect(overruns(capture).count == 1)
        #expect(overruns(capture).first?.metadata["hook"] == "slow")
        #expect(overruns(capture).first?.metadata["detail"] == "still running")
    }

    @Test("A hook within its bound is not logged; a second stop during beforeStop does nothing")
    func quietAndOnce() {
        let capture = InMemoryLogHandler()
        let reactor = Reactor(configuration: .init(logger: Logger(label: "test.capture") { _ in capture }))
        let secondReturned = NIOLockedValueBox<Bool>(false)
        reactor.addShutdownHook(name: "drain", phase: .beforeStop) {
            reactor.stop()
            secondReturned.withLockedValue { $0 = !reactor.isStopped }
        }
        reactor.addShutdownHook(name: "quick") {}
        reactor.stop()
        #expect(secondReturned.withLockedValue { $0 })
        #expect(overruns(capture).isEmpty)
        #expect(reactor.isStopped)
    }

    @Test("A stop called while another is under way returns only when that one has ended (its cleanup hooks ran)")
    func secondStopWaitsForTheFirst() {
        let reactor = Reactor()
        let draining = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let cleanedUp = NIOLockedValueBox(false)
        reactor.addShutdownHook(name: "drain", phase: .beforeStop, timeout: .seconds(30)) {
            draining.signal()
            _ = release.wait(timeout: .now() + .seconds(30))
        }
        reactor.addShutdownHook(name: "cleanup") { cleanedUp.withLockedValue { $0 = true } }
        let first = DispatchGroup()
        first.enter()
        Thread.detachNewThread {
            reactor.stop(timeout: .seconds(30))
            first.leave()
        }
        draining.wait()
        // The first stop is inside its beforeStop hook; let it go on only once the second waits.
        Thread.detachNewThread {
            usleep(50_000)
            release.signal()
        }
        reactor.stop(timeout: .seconds(30))
        #expect(cleanedUp.withLockedValue { $0 })
        first.wait()
    }
}
