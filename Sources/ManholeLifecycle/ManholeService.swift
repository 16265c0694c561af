public import Manhole
public import ServiceLifecycle

/// A running ``Manhole`` as a ServiceLifecycle `Service`: it serves until the service group shuts
/// down gracefully (or its task is cancelled), then says goodbye to every session and closes its
/// listeners, within ``shutdownTimeout``.
///
/// Start the manhole first (its accounts' keys are derived then, and its port is bound, so a bad
/// configuration fails before the group runs), register the host's objects and commands, and put
/// the service last in the group: a `ServiceGroup` shuts its services down in reverse order, so
/// operators are told goodbye first and the reactor stops last.
///
/// ```swift
/// let reactor = Reactor.setup()
/// let manhole = try Manhole.start(accounts: accounts, namespace: ["cache": cache], reactor: reactor)
/// let group = ServiceGroup(
///     services: [ReactorService(reactor), app, ManholeService(manhole)],
///     gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()
/// ```
///
/// A manhole closed for another reason (the host called ``Manhole/stop()``, or the reactor
/// stopped) leaves the service idle until the group shuts down: the host's other services go on.
public struct ManholeService: Service {
    /// The manhole the service runs.
    public let manhole: Manhole
    /// The bound on the goodbyes at shutdown: sessions whose goodbye has not been written by then
    /// are closed anyway.
    public let shutdownTimeout: Duration

    /// A service for `manhole`, which is already listening.
    /// - Parameters:
    ///   - manhole: A started manhole.
    ///   - shutdownTimeout: The bound on the goodbyes at graceful shutdown.
    public init(_ manhole: Manhole, shutdownTimeout: Duration = .seconds(2)) {
        self.manhole = manhole
        self.shutdownTimeout = shutdownTimeout
    }

    /// Serves until graceful shutdown or cancellation, then closes the manhole (every session is
    /// told "the service is shutting down") and returns once its thread has ended.
    public func run() async {
        // Throws only when cancelled, which ends the service the same way.
        try? await gracefulShutdown()
        manhole.close(reason: "the service is shutting down", within: shutdownTimeout)
        await withCheckedContinuation { (closed: CheckedContinuation<Void, Never>) in
            manhole.whenClosed { closed.resume() }
        }
    }
}
