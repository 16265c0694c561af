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

        /// Creates a configuration.
        /// - Parameters:
        ///   - logger: The logger for the reactor's own messages.
        ///   - threadName: The reactor thread's name.
        ///   - stopTimeout: The bound on shutdown when the process exits.
        public init(
            logger: Logger = Logger(label: "manhole.reactor"),
            threadName: String = "manhole-reactor",
            stopTimeout: Duration = .seconds(5)
        ) {
            self.logger = logger
            self.threadName = threadName
            self.stopTimeout = stopTimeout
        }
    }
}
