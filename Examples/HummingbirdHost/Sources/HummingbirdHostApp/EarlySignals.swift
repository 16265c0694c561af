import Logging
import ServiceLifecycle
import UnixSignals

/// SIGTERM and SIGINT, trapped before anything starts, turned into the group's graceful shutdown.
///
/// A `ServiceGroup` traps its `gracefulShutdownSignals` only once `run()` begins, but the manhole
/// listens earlier (``HostServer/run()`` starts it first, to fail fast on a bad password or a
/// port in use): a SIGTERM in between took the signal's default action and killed the process,
/// without a goodbye to a session already open (5 of 20 tries right after "manhole listening").
/// Trapped from the start, a signal that comes before the group exists is remembered and the
/// group shuts down gracefully as soon as it is handed over (``shutDown(_:)``), which a
/// `ServiceGroup` honours even before its `run()`.
actor EarlySignals {
    private var group: ServiceGroup?
    private var requested = false
    private var watcher: Task<Void, Never>?

    /// Traps `signals` now (their handlers are registered when this returns) and watches them.
    static func trap(_ signals: [UnixSignal], logger: Logger) async -> EarlySignals {
        let trapped = EarlySignals()
        let sequence = await UnixSignalsSequence(trapping: signals)
        await trapped.watch(sequence, logger: logger)
        return trapped
    }

    private func watch(_ sequence: UnixSignalsSequence, logger: Logger) {
        watcher = Task { [weak self] in
            for await signal in sequence {
                logger.info("shutting down gracefully", metadata: ["signal": "\(signal)"])
                await self?.request()
            }
        }
    }

    private func request() async {
        requested = true
        await group?.triggerGracefulShutdown()
    }

    /// Hands over the group the signals shut down; a signal already received shuts it down now.
    func shutDown(_ group: ServiceGroup) async {
        self.group = group
        if requested { await group.triggerGracefulShutdown() }
    }

    /// Stops watching once the host lets go of it, on every way out of `run()` (the signals
    /// stay trapped for the process's life).
    deinit {
        watcher?.cancel()
    }
}
