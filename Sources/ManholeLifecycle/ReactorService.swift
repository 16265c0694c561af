import Foundation
public import Reactor
public import ServiceLifecycle

/// A ``Reactor`` as a ServiceLifecycle `Service`: at graceful shutdown (or cancellation) it stops
/// the reactor, which wakes every blocked waiter with `ReactorError.stopped`, runs the shutdown
/// hooks and ends the reactor's thread (a reactor attached to the host's loop with
/// `Reactor.noSetup(eventLoop:)` stops its own work and leaves that loop running).
///
/// Put it first in the group, so that it stops last, after the services that call into it:
///
/// ```swift
/// let reactor = Reactor.setup()   // or: Reactor.noSetup(eventLoop: MultiThreadedEventLoopGroup.singleton.next())
/// let group = ServiceGroup(services: [ReactorService(reactor), app, ManholeService(manhole)], logger: logger)
/// ```
///
/// `run()` also returns when the reactor is stopped by other means (a signal handler from
/// `stopOnSignals`, the process's exit): the rest of the process cannot work without it. A
/// `ServiceGroup` then ends with `serviceFinishedUnexpectedly`, or shuts the other services down
/// gracefully if the reactor's entry says so:
/// `.init(service: ReactorService(reactor), successTerminationBehavior: .gracefullyShutdownGroup)`.
public struct ReactorService: Service {
    /// The reactor the service stops.
    public let reactor: Reactor
    /// The bound passed to `Reactor.stop(timeout:)`.
    public let stopTimeout: Duration

    /// A service that stops `reactor` at shutdown.
    /// - Parameters:
    ///   - reactor: The process's reactor (from `Reactor.setup()` or `Reactor.noSetup(eventLoop:)`).
    ///   - stopTimeout: The bound on the stop, its shutdown hooks included.
    public init(_ reactor: Reactor, stopTimeout: Duration = .seconds(5)) {
        self.reactor = reactor
        self.stopTimeout = stopTimeout
    }

    /// Waits until graceful shutdown or cancellation, then stops the reactor (on a thread of
    /// its own: the stop blocks while the hooks run) and returns once the stop has ended.
    public func run() async {
        let reactor = self.reactor
        let timeout = stopTimeout
        await withTaskCancellationOrGracefulShutdownHandler {
            await withCheckedContinuation { (stopped: CheckedContinuation<Void, Never>) in
                reactor.whenStopped { stopped.resume() }
            }
        } onCancelOrGracefulShutdown: {
            // Not on a Dispatch queue: the stop blocks on work that itself completes on
            // Dispatch's global queue, and libdispatch on Linux adds a thread for it only after
            // a pause (the stop took 0.9 s instead of 0.5 ms).
            Thread.detachNewThread { reactor.stop(timeout: timeout) }
        }
    }
}
