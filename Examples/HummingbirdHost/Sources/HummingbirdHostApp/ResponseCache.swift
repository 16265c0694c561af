import Synchronization

/// A bounded in-memory cache of strings, as a host keeps in front of something slow: a
/// dictionary with a capacity (the oldest entry goes when a new one would exceed it), and
/// hit, miss and eviction counts an operator reads with `inspect cache`.
///
/// Guarded by a `Mutex`: HTTP handlers on NIO's threads write it while the manhole reads its
/// snapshot on the reactor thread.
public final class ResponseCache: Sendable {
    /// What `inspect cache` shows: counts and the keys, copied out under the lock.
    public struct Snapshot: Sendable {
        /// The most entries the cache holds.
        public var capacity: Int
        /// The entries it holds now.
        public var count: Int
        /// Reads that found their key.
        public var hits: Int
        /// Reads that did not.
        public var misses: Int
        /// Entries dropped to make room.
        public var evictions: Int
        /// The keys, oldest first.
        public var keys: [String]
    }

    private struct State {
        var values: [String: String] = [:]
        /// Insertion order, for eviction: first in, first out.
        var order: [String] = []
        var hits = 0
        var misses = 0
        var evictions = 0
    }

    /// The most entries the cache holds.
    public let capacity: Int
    private let state = Mutex(State())

    /// Creates an empty cache of at most `capacity` entries (at least 1).
    public init(capacity: Int) {
        precondition(capacity > 0, "a cache holds at least one entry")
        self.capacity = capacity
    }

    /// The value stored under `key`, counting a hit or a miss.
    public func value(for key: String) -> String? {
        state.withLock { state in
            guard let value = state.values[key] else {
                state.misses += 1
                return nil
            }
            state.hits += 1
            return value
        }
    }

    /// Stores `value` under `key`, evicting the oldest entry when the cache is full.
    public func store(_ value: String, for key: String) {
        state.withLock { state in
            if state.values.updateValue(value, forKey: key) != nil { return }
            state.order.append(key)
            if state.order.count > capacity {
                let oldest = state.order.removeFirst()
                state.values.removeValue(forKey: oldest)
                state.evictions += 1
            }
        }
    }

    /// Drops every entry (the counts stay); returns how many there were.
    @discardableResult
    public func flush() -> Int {
        state.withLock { state in
            let count = state.values.count
            state.values.removeAll()
            state.order.removeAll()
            return count
        }
    }

    /// The counts and keys now.
    public func snapshot() -> Snapshot {
        state.withLock { state in
            Snapshot(
                capacity: capacity, count: state.values.count, hits: state.hits, misses: state.misses,
                evictions: state.evictions, keys: state.order)
        }
    }
}
