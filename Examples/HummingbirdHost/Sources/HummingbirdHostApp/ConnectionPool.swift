import Synchronization

/// A stand-in for a database connection pool: `size` slots that requests borrow and give back,
/// and a line of waiters when all are in use. `inspect pool` shows slots in use, idle, waiting.
///
/// Guarded by a `Mutex`; a waiter is a continuation resumed by the release that frees its slot.
public final class ConnectionPool: Sendable {
    /// What `inspect pool` shows.
    public struct Snapshot: Sendable {
        /// The number of slots.
        public var size: Int
        /// Slots borrowed now.
        public var inUse: Int
        /// Slots free now.
        public var idle: Int
        /// Borrowers waiting for a slot.
        public var waiting: Int
        /// Borrows since the start.
        public var borrows: Int
        /// Borrows that had to wait.
        public var waited: Int
    }

    private struct State {
        var free: [Int]
        var waiters: [CheckedContinuation<Int, Never>] = []
        var borrows = 0
        var waited = 0
    }

    /// The number of slots.
    public let size: Int
    private let state: Mutex<State>

    /// A pool of `size` slots (at least 1), all idle.
    public init(size: Int) {
        precondition(size > 0, "a pool has at least one slot")
        self.size = size
        state = Mutex(State(free: Array((0..<size).reversed())))
    }

    /// Borrows a slot, waiting for one when all are in use, runs `body` with its number, and
    /// gives it back.
    public func withSlot<T: Sendable>(_ body: (Int) async throws -> T) async rethrows -> T {
        let slot = await borrow()
        defer { release(slot) }
        return try await body(slot)
    }

    private func borrow() async -> Int {
        await withCheckedContinuation { continuation in
            let slot: Int? = state.withLock { state in
                state.borrows += 1
                if let slot = state.free.popLast() { return slot }
                state.waited += 1
                state.waiters.append(continuation)
                return nil
            }
            if let slot { continuation.resume(returning: slot) }
        }
    }

    private func release(_ slot: Int) {
        let waiter: CheckedContinuation<Int, Never>? = state.withLock { state in
            if state.waiters.isEmpty {
                state.free.append(slot)
                return nil
            }
            return state.waiters.removeFirst()
        }
        // Resumed outside the lock: the waiter may run at once on this thread.
        waiter?.resume(returning: slot)
    }

    /// The counts now.
    public func snapshot() -> Snapshot {
        state.withLock { state in
            Snapshot(
                size: size, inUse: size - state.free.count, idle: state.free.count, waiting: state.waiters.count,
                borrows: state.borrows, waited: state.waited)
        }
    }
}
