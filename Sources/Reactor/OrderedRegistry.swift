/// Entries keyed by increasing integer ids, kept in id order so that the first page of a listing
/// costs as much as the page, not the whole registry.
///
/// Ids are usually inserted in increasing order (an append); removal leaves a hole that is
/// compacted away once holes outnumber live entries, so every operation is amortised O(log n)
/// or better. Not thread-safe: the owner keeps it behind a lock.
struct OrderedRegistry<Value> {
    private var ids: [Int] = []
    private var values: [Value?] = []
    private(set) var count = 0

    /// Adds `value` under `id`, replacing any value already there.
    mutating func insert(_ value: Value, id: Int) {
        if let last = ids.last, id <= last {
            let index = lowerBound(id)
            if index < ids.count, ids[index] == id {
                if values[index] == nil { count += 1 }
                values[index] = value
                return
            }
            ids.insert(id, at: index)
            values.insert(value, at: index)
        } else {
            ids.append(id)
            values.append(value)
        }
        count += 1
    }

    /// Removes and returns the value under `id`.
    @discardableResult
    mutating func remove(id: Int) -> Value? {
        guard let index = index(of: id), let value = values[index] else { return nil }
        values[index] = nil
        count -= 1
        if ids.count - count > max(count, 64) { compact() }
        return value
    }

    /// The value under `id`.
    func value(id: Int) -> Value? {
        index(of: id).flatMap { values[$0] }
    }

    /// Changes the value under `id` in place; returns `nil` when there is none.
    mutating func update<R>(id: Int, _ body: (inout Value) -> R) -> R? {
        guard let index = index(of: id), values[index] != nil else { return nil }
        return body(&values[index]!)
    }

    /// Up to `limit` values in id order, skipping those `include` rejects.
    func first(_ limit: Int, where include: (Value) -> Bool = { _ in true }) -> [Value] {
        var page: [Value] = []
        page.reserveCapacity(Swift.min(limit, count))
        for case let value? in values where include(value) {
            if page.count == limit { break }
            page.append(value)
        }
        return page
    }

    /// Every value, in id order.
    var all: [Value] { values.compactMap { $0 } }

    private func index(of id: Int) -> Int? {
        let index = lowerBound(id)
        return index < ids.count && ids[index] == id ? index : nil
    }

    private func lowerBound(_ id: Int) -> Int {
        var low = 0
        var high = ids.count
        while low < high {
            let mid = (low + high) / 2
            if ids[mid] < id { low = mid + 1 } else { high = mid }
        }
        return low
    }

    private mutating func compact() {
        var newIDs: [Int] = []
        var newValues: [Value?] = []
        newIDs.reserveCapacity(count)
        newValues.reserveCapacity(count)
        for (id, value) in zip(ids, values) where value != nil {
            newIDs.append(id)
            newValues.append(value)
        }
        ids = newIDs
        values = newValues
    }
}

extension OrderedRegistry: Sendable where Value: Sendable {}
