public import Logging

extension Reactor {
    /// How a reactor behaves, written in one initializer; every field has a default, so
    /// `Reactor.setup()` needs none.
    public struct Configuration: Sendable {
        /// Where the reactor logs (timers that throw, unhandled failures, shutdown).
        /// Defaults to a logger labelled `manhole.reactor`; pass the host's own to route it.
        package var logger: Logger
        /// The name given to the reactor thread (Linux keeps the first 15 bytes).
        package var threadName: String
        /// How long ``Reactor/stop(timeout:)`` waits for shutdown hooks and the thread at exit.
        package var stopTimeout: Duration
        /// Whether the reactor records what its thread runs (``LoopActivity``) and, on a loop it
        /// creates, per-tick figures (``TickStatistics``); off only for the benchmark that
        /// measures what recording costs.
        package var recordsActivity = true
        /// A run (body, delayed call, looping call) that holds the reactor thread longer than
        /// this is logged as a stall by the ``Watchdog``; `nil` turns the watchdog off.
        package var watchdogThreshold: Duration?
        /// The thresholds of the loop's lints (`loop --warnings`); the package's constants
        /// unless a test lowers them.
        package var lintThresholds = LoopLintThresholds()

        /// Creates a configuration.
        /// - Parameters:
        ///   - logger: The logger for the reactor's own messages.
        ///   - threadName: The reactor thread's name.
        ///   - stopTimeout: The bound on shutdown when the process exits.
        ///   - watchdogThreshold: How long one body or timer callback may hold the reactor
        ///     thread before a watchdog thread logs it as a stall (with its call site), and again
        ///     when it returns; `nil` turns the watchdog off. The watchdog parks while the loop
        ///     is idle.
        public init(
            logger: Logger = Logger(label: "manhole.reactor"),
            threadName: String = "manhole-reactor",
            stopTimeout: Duration = .seconds(5),
            watchdogThreshold: Duration? = .milliseconds(100)
        ) {
            self.logger = logger
            self.threadName = threadName
            self.stopTimeout = stopTimeout
            self.watchdogThreshold = watchdogThreshold
        }
    }
}
