import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Reactor

/// The thread the manhole's listeners and sessions run on: a one-thread event loop of its own,
/// so that the shell answers (logins, `whoami`, `loop`) while a host body holds the reactor
/// thread. The manhole owns it: ``shutDown(within:wait:closing:)`` ends it once, when the manhole stops
/// or the reactor does.
final class SessionThread: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let ended = NIOLockedValueBox(false)
    /// The loop; everything of the manhole's sessions is confined to it.
    let loop: any EventLoop
    /// The promises on the loop that work elsewhere (the reactor thread, a queue) will fulfil:
    /// the loop ends only once there are none, since it could not deliver them after.
    let deliveries = PendingDeliveries()
    /// Opened once the thread has ended (after ``shutDown(within:wait:closing:)``).
    let gone = Latch()

    init() {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        loop = group.next()
        // Linux keeps 15 bytes of a thread name; a longer one is refused, not cut.
        loop.execute { Thread.current.name = "manhole-session" }
    }

    /// Runs `close` (it closes the listeners and says goodbye to the sessions, and returns what
    /// to wait for), then ends the thread once all that has completed or `within` has passed,
    /// whichever comes first, and no delivery is pending (``deliveries``); with `wait`, and off the
    /// loop, returns once the thread has ended (or a second later than `within`). Only the first
    /// call does anything: the loop is gone after it.
    func shutDown(within: Duration, wait: Bool = true, closing close: () -> [EventLoopFuture<Void>]) {
        guard ended.withLockedValue({ ended in defer { ended = true }; return !ended }) else { return }
        let pending = close()
        let begun = NIOLockedValueBox(false)
        let end: @Sendable () -> Void = { [group, deliveries, gone] in
            guard begun.withLockedValue({ begun in defer { begun = true }; return !begun }) else { return }
            // A read or command still running on the reactor (or a queue) keeps the loop until it
            // has delivered its answer, even to a session that is gone.
            deliveries.whenNone { group.shutdownGracefully(queue: .global()) { _ in gone.open() } }
        }
        // The deadline first: once `end` has run, the loop takes no more tasks.
        loop.scheduleTask(in: TimeAmount(within)) { end() }
        EventLoopFuture.andAllComplete(pending, on: loop).whenComplete { _ in end() }
        if wait, !loop.inEventLoop { _ = gone.waitBounded(within + .seconds(1)) }
    }
}
