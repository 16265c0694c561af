/// A dictionary with a capacity that forgets its least recently touched entry when full, and
/// whose entries can be dropped from the old end: every operation is O(1) (amortised).
///
/// Entries form a doubly linked list in arrays (indices, not references), newest first. Reading
/// with ``peek(_:)`` or changing with ``modify(_:_:)`` does not reorder; ``touch(_:_:)`` stores and
/// moves the entry to the new end.
struct LRUTable<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Node: Sendable {
        var key: Key
        var value: Value
        var newer: Int
        var older: Int
    }

    /// The most entries kept (at least 1).
    let capacity: Int
    private var nodes: [Node] = []
    private var free: [Int] = []
    private var index: [Key: Int] = [:]
    private var newest = -1
    private var oldest = -1

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// How many entries are kept.
    var count: Int { index.count }

    /// The value for `key`, without reordering.
    func peek(_ key: Key) -> Value? { index[key].map { nodes[$0].value } }

    /// Changes the value for `key` in place, without reordering; `nil` if there is none.
    @discardableResult
    mutating func modify<R>(_ key: Key, _ body: (inout Value) -> R) -> R? {
        guard let slot = index[key] else { return nil }
        return body(&nodes[slot].value)
    }

    /// Stores `value` for `key` and makes it the newest entry; when that adds an entry beyond the
    /// capacity, the oldest one is dropped.
    mutating func touch(_ key: Key, _ value: Value) {
        if let slot = index[key] {
            nodes[slot].value = value
            unlink(slot)
            linkAsNewest(slot)
            return
        }
        if index.count >= capacity { removeOldest() }
        let node = Node(key: key, value: value, newer: -1, older: -1)
        let slot: Int
        if let reused = free.popLast() {
            nodes[reused] = node
            slot = reused
        } else {
            nodes.append(node)
            slot = nodes.count - 1
        }
        index[key] = slot
        linkAsNewest(slot)
    }

    /// The least recently touched entry.
    var oldestEntry: (key: Key, value: Value)? {
        oldest < 0 ? nil : (nodes[oldest].key, nodes[oldest].value)
    }

    /// Drops the least recently touched entry.
    mutating func removeOldest() {
        guard oldest >= 0 else { return }
        remove(nodes[oldest].key)
    }

    /// Drops the entries from the old end for as long as `isExpired` holds.
    mutating func removeOldest(while isExpired: (Value) -> Bool) {
        while let entry = oldestEntry, isExpired(entry.value) { removeOldest() }
    }

    /// Drops the entry for `key`, if any.
    mutating func remove(_ key: Key) {
        guard let slot = index.removeValue(forKey: key) else { return }
        unlink(slot)
        free.append(slot)
    }

    /// The keys, newest first (for tests).
    var keysNewestFirst: [Key] {
        var keys: [Key] = []
        var slot = newest
        while slot >= 0 {
            keys.append(nodes[slot].key)
            slot = nodes[slot].older
        }
        return keys
    }

    private mutating func unlink(_ slot: Int) {
        let (newer, older) = (nodes[slot].newer, nodes[slot].older)
        if newer >= 0 { nodes[newer].older = older } else { newest = older }
        if older >= 0 { nodes[older].newer = newer } else { oldest = newer }
        nodes[slot].newer = -1
        nodes[slot].older = -1
    }

    private mutating func linkAsNewest(_ slot: Int) {
        nodes[slot].older = newest
        nodes[slot].newer = -1
        if newest >= 0 { nodes[newest].newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }
}
