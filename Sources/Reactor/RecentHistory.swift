/// The newest `capacity` items of a stream, in a ring: appending never grows it past that, and
/// costs no shifting. Kept under its owner's lock (slow runs, tick durations, stalls).
package struct RecentHistory<Element: Sendable>: Sendable {
    /// The most items kept; the oldest go first.
    package let capacity: Int
    private var items: [Element] = []
    /// Where the next item goes once the ring is full (the oldest item's slot).
    private var next = 0

    package init(capacity: Int) {
        precondition(capacity > 0, "a history keeps at least one item")
        self.capacity = capacity
    }

    /// How many items are kept.
    package var count: Int { items.count }

    /// The items in no particular order (for figures that do not care, such as percentiles).
    package var unordered: [Element] { items }

    /// The items, the newest first.
    package var newestFirst: [Element] {
        guard items.count == capacity else { return items.reversed() }
        return Array((items[next...] + items[..<next]).reversed())
    }

    /// Keeps `item`, dropping the oldest when full.
    package mutating func append(_ item: Element) {
        if items.count < capacity {
            items.append(item)
        } else {
            items[next] = item
        }
        next = (next + 1) % capacity
    }

    /// Changes the newest item that `matches`, if any.
    package mutating func updateNewest(where matches: (Element) -> Bool, _ change: (inout Element) -> Void) {
        guard !items.isEmpty else { return }
        for step in 1...items.count {
            let index = ((next - step) % items.count + items.count) % items.count
            if matches(items[index]) {
                change(&items[index])
                return
            }
        }
    }
}
