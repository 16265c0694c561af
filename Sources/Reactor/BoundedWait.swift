import Dispatch
import NIOCore

extension EventLoopFuture {
    /// Blocks the calling (non-loop) thread until the future completes or `deadline` passes;
    /// returns whether it completed. Used only on the shutdown path, where waits must be bounded.
    func waitBounded(until deadline: NIODeadline) -> Bool {
        let semaphore = DispatchSemaphore(value: 0)
        whenComplete { _ in semaphore.signal() }
        return semaphore.waitBounded(until: deadline)
    }
}

extension DispatchSemaphore {
    /// Waits until signalled or `deadline` passes; returns whether it was signalled.
    func waitBounded(until deadline: NIODeadline) -> Bool {
        let remaining = max(0, (deadline - .now()).nanoseconds)
        return wait(timeout: .now() + .nanoseconds(Int(remaining))) == .success
    }
}
