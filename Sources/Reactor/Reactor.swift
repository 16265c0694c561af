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
/// ``runInReactor(fileID:line:function:_:)-(()->T)`` or block on it with
/// ``waitFor(timeout:fileID:line:function:_:)-(_,_,_,_,()->T)``. Timers made with
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
    let results = ResultStore()
    let timerRegistry = TimerRegistry()
    let taskExecutor: ReactorTaskExecutor
    private let ownedGroup: MultiThreadedEventLoopGroup?
    let configuration: Configuration
    /// Per-tick figures of the loop, when the reactor created it (see ``TickStatistics``).
    package let tickStatistics: TickStatistics?
    /// The thread that logs stalls of the reactor thread, unless turned off (see ``Watchdog``).
    package let watchdog: Watchdog?
    private let hooks = NIOLockedValueBox<[(name: String, body: @Sendable () -> Void)]>([])

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

    private static func stopAtExit() {
        guard let reactor = current, !reactor.isStopped else { return }
        reactor.stop(timeout: reactor.configuration.stopTimeout)
    }

    // MARK: - Shutdown

    /// Adds work to run on the reactor thread when the reactor stops, after blocked waiters have
    /// been woken and timers cancelled. Hooks run in the order they were added; their total time
    /// is bounded by ``stop(timeout:)``'s timeout.
    public func addShutdownHook(name: String, _ body: @escaping @Sendable () -> Void) {
        hooks.withLockedValue { $0.append((name, body)) }
    }

    /// Stops the reactor and returns when it has stopped, or when `timeout` has passed.
    ///
    /// In order: new work is refused (``ReactorError/stopped``); every result still pending fails
    /// with ``ReactorError/stopped``, which wakes every blocked `wait`/`waitFor` at once; timers are
    /// cancelled (none starts once `stop` has begun, even one already due); on the reactor thread,
    /// the work behind the pending results is called off as cancelling would (a ``Deferred``'s
    /// canceller runs and the deferred fails with ``ReactorError/cancelled``, an `async` body's
    /// task is cancelled), then the shutdown hooks run; then the reactor's own thread ends (an
    /// attached host loop keeps running). Called on the reactor thread, it does the same but
    /// cannot wait for its own thread to end. Calling it again does nothing.
    public func stop(timeout: Duration = .seconds(5)) {
        // Closing the gate happens once: it is what makes a second `stop` do nothing.
        guard gate.close() else { return }
        watchdog?.stop()
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        let onLoop = eventLoop.inEventLoop
        // Waiters are woken at once; the work behind each pending result is called off on the
        // reactor thread below (a Deferred's canceller runs and its promise is settled, an async
        // body's task is cancelled), so no promise is left unfulfilled on the loop.
        let cancellers = results.close().compactMap { $0.interrupt(with: .stopped) }
        timerRegistry.cancelAll()
        // Taken out, not copied: hooks run once, and a hook that captures the reactor would
        // otherwise keep it, its loop and its results alive forever (a cycle LeakSanitizer found).
        let hookList = hooks.withLockedValue { list in
            defer { list = [] }
            return list
        }
        let runHooks: @Sendable () -> Void = { [logger] in
            for canceller in cancellers { canceller() }
            for hook in hookList {
                logger.debug("running shutdown hook", metadata: ["hook": "\(hook.name)"])
                hook.body()
            }
        }
        if onLoop {
            runHooks()
        } else if !eventLoop.submit(runHooks).waitBounded(until: deadline) {
            logger.warning("shutdown hooks did not finish in time", metadata: ["timeout": "\(timeout)"])
        }
        guard let group = ownedGroup else { return }
        let ended = DispatchSemaphore(value: 0)
        group.shutdownGracefully(queue: .global()) { _ in ended.signal() }
        if !onLoop, !ended.waitBounded(until: deadline) {
            logger.warning("reactor thread did not end in time", metadata: ["timeout": "\(timeout)"])
        }
    }
}
