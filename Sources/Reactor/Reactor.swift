import NIOConcurrencyHelpers
import Dispatch
package import Logging
public import NIOCore
import NIOPosix
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One SwiftNIO event loop running in a thread of its own, that ordinary blocking code calls
/// into: Crochet for Swift.
///
/// Start it once with ``setup(configuration:)`` (a host that already runs SwiftNIO attaches its
/// own loop with ``noSetup(eventLoop:configuration:)`` instead), then hand it work with
/// ``runInReactor(fileID:line:function:_:)-9vy3m`` or block on it with
/// ``waitFor(timeout:fileID:line:function:_:)-7amkj``. Timers made with
/// ``callLater(_:name:fileID:line:function:_:)`` and ``loopingCall(every:now:name:stopOnError:fileID:line:function:_:)``
/// and results kept with ``EventualResult/stash()`` are what the manhole's `timers` and
/// `results` commands list. When the process exits (or ``stop(timeout:)`` is called) every
/// blocked waiter is woken with ``ReactorError/stopped``, shutdown hooks run and the thread ends.
///
/// Every method is safe to call from any thread.
public final class Reactor: Sendable {
    /// The event loop the reactor runs on. Bodies, timers and shutdown hooks run here.
    public var eventLoop: any EventLoop { gate.eventLoop }
    /// The reactor's logger.
    package let logger: Logger
    /// When the reactor started, on the loop's clock.
    package let startedAt: NIODeadline

    let gate: LoopGate
    let results: ResultStore
    let timerRegistry = TimerRegistry()
    let taskExecutor: ReactorTaskExecutor
    let configuration: Configuration
    /// Per-tick figures of the loop, when the reactor created it (see ``TickStatistics``).
    package let tickStatistics: TickStatistics?
    /// The thread that logs stalls of the reactor thread, unless turned off (see ``Watchdog``).
    package let watchdog: Watchdog?
    let shutdownHooks: ShutdownHooks
    /// Set by the first ``stop(timeout:)``: what makes a second one do nothing, from the start of
    /// the ``ShutdownPhase/beforeStop`` hooks on (the gate closes only after them).
    let stopBegun = Atomic<Bool>(false)
    /// Opened when that stop has ended: a second caller off the reactor thread waits for it, so
    /// that a `main` returning while a signal's stop runs does not exit in the middle of it.
    let stopEnded = Latch()
    let ownedGroup: MultiThreadedEventLoopGroup?

    /// Starts a reactor with a dedicated thread. Hosts call ``setup(configuration:)``, which does
    /// this once per process; separate instances are for the package's tests and benchmarks.
    /// Call ``stop(timeout:)`` when done.
    package convenience init(configuration: Configuration = Configuration()) {
        let ticks = configuration.recordsActivity ? TickStatistics() : nil
        let group = ticks.map { MultiThreadedEventLoopGroup(numberOfThreads: 1, metricsDelegate: $0) }
            ?? MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let name = configuration.threadName
        loop.execute { setCurrentThreadName(name) }
        self.init(eventLoop: loop, ownedGroup: group, ticks: ticks, configuration: configuration)
    }

    /// Attaches a reactor to an event loop that is already running, as ``noSetup(eventLoop:configuration:)``
    /// does for the process-wide one. The reactor never shuts that loop down; ``stop(timeout:)``
    /// only stops the reactor's own work.
    package convenience init(attachingTo eventLoop: any EventLoop, configuration: Configuration = Configuration()) {
        self.init(eventLoop: eventLoop, ownedGroup: nil, ticks: nil, configuration: configuration)
    }

    private init(
        eventLoop: any EventLoop, ownedGroup: MultiThreadedEventLoopGroup?, ticks: TickStatistics?, configuration: Configuration
    ) {
        let activity = LoopActivity(
            isRecording: configuration.recordsActivity, slowCallbackThreshold: configuration.lintThresholds.slowCallback)
        self.tickStatistics = ticks
        if configuration.recordsActivity, let threshold = configuration.watchdogThreshold {
            self.watchdog = Watchdog(activity: activity, threshold: TimeAmount(threshold), logger: configuration.logger)
        } else {
            self.watchdog = nil
        }
        self.gate = LoopGate(eventLoop: eventLoop, activity: activity)
        self.results = ResultStore(logger: configuration.logger)
        self.shutdownHooks = ShutdownHooks(logger: configuration.logger)
        self.taskExecutor = ReactorTaskExecutor(gate: gate)
        self.ownedGroup = ownedGroup
        self.configuration = configuration
        self.logger = configuration.logger
        self.startedAt = .now()
    }

    /// Whether the reactor has stopped (``stop(timeout:)`` was called or the process is exiting).
    public var isStopped: Bool { gate.isClosed }

    /// Whether the caller is on the reactor thread.
    package var isReactorThread: Bool { eventLoop.inEventLoop }

    // MARK: - The process-wide reactor

    private static let shared = NIOLockedValueBox<Reactor?>(nil)

    /// The process-wide reactor, if ``setup(configuration:)`` or ``noSetup(eventLoop:configuration:)`` made one.
    package static var current: Reactor? { shared.withLockedValue { $0 } }

    /// Starts the process-wide reactor thread the first time it is called, from any thread; later
    /// calls return the same reactor and ignore `configuration`. The reactor stops by itself when
    /// the process exits normally (an `atexit` handler), waking every blocked waiter.
    @discardableResult
    public static func setup(configuration: Configuration = Configuration()) -> Reactor {
        install { Reactor(configuration: configuration) }
    }

    /// Makes a loop the host already runs the process-wide reactor, instead of starting a thread
    /// (Crochet's `no_setup`). Later ``setup(configuration:)`` calls return this reactor. If a
    /// reactor was already set up, that one is returned unchanged.
    @discardableResult
    public static func noSetup(eventLoop: any EventLoop, configuration: Configuration = Configuration()) -> Reactor {
        install { Reactor(attachingTo: eventLoop, configuration: configuration) }
    }

    private static func install(_ make: () -> Reactor) -> Reactor {
        shared.withLockedValue { current in
            if let current { return current }
            let reactor = make()
            current = reactor
            atexit { Reactor.stopAtExit() }
            return reactor
        }
    }

    /// Also when a stop has begun already (a signal's, on another thread): `stop` then waits for
    /// it to end, so the process does not exit in the middle of its hooks.
    private static func stopAtExit() {
        guard let reactor = current else { return }
        reactor.stop(timeout: reactor.configuration.stopTimeout)
    }
}
