/// Partial selection: the `k` smallest elements in order, without sorting everything when `k`
/// is small; every comparison is charged to a ``WorkBudget``.
enum Selection {
    /// Up to this many kept elements, selection inserts into a short sorted array; above it, the
    /// elements are merge-sorted (inserting into a long array would move too much).
    static let insertionLimit = 64

    /// The `k` smallest of `elements` in order, or `nil` when `budget` ran out first.
    static func smallest<S: Sequence>(
        _ k: Int, of elements: S, budget: WorkBudget, by less: (S.Element, S.Element) -> Bool
    ) -> [S.Element]? {
        guard k > 0 else { return [] }
        guard k <= insertionLimit else {
            var all: [S.Element] = []
            all.reserveCapacity(Swift.min(elements.underestimatedCount, 1 << 20))
            for element in elements {
                guard budget.spend() else { return nil }
                all.append(element)
            }
            guard let sorted = mergeSorted(all, budget: budget, by: less) else { return nil }
            return Array(sorted.prefix(k))
        }
        var kept: [S.Element] = []
        kept.reserveCapacity(k)
        for element in elements {
            guard budget.spend() else { return nil }
            if kept.count == k {
                guard less(element, kept[k - 1]) else { continue }
                kept.removeLast()
            }
            var low = 0
            var high = kept.count
            while low < high {
                let middle = (low + high) / 2
                if less(element, kept[middle]) { high = middle } else { low = middle + 1 }
            }
            kept.insert(element, at: low)
        }
        return kept
    }

    /// The element at `rank` (0-based) in increasing order, by quickselect (about 3.4 comparisons
    /// per element on average, against n·log n for a sort); `nil` when `rank` is out of range or
    /// `budget` ran out first. Pivots come from a generator seeded by the count, so a run is
    /// repeatable.
    static func element<S: Sequence>(
        ofRank rank: Int, of elements: S, budget: WorkBudget, by less: (S.Element, S.Element) -> Bool
    ) -> S.Element? {
        var items: [S.Element] = []
        items.reserveCapacity(Swift.min(elements.underestimatedCount, 1 << 20))
        for element in elements {
            guard budget.spend() else { return nil }
            items.append(element)
        }
        guard rank >= 0, rank < items.count else { return nil }
        var generator = SplitMix64(seed: UInt64(items.count))
        var low = 0
        var high = items.count - 1
        while low < high {
            items.swapAt(Int.random(in: low...high, using: &generator), high)
            var store = low
            for index in low..<high {
                guard budget.spend() else { return nil }
                if less(items[index], items[high]) {
                    items.swapAt(index, store)
                    store += 1
                }
            }
            items.swapAt(store, high)
            if rank == store { return items[store] }
            if rank < store { high = store - 1 } else { low = store + 1 }
        }
        return items[rank]
    }

    /// The k smallest, with no work limit (tests and tools).
    static func smallest<S: Sequence>(_ k: Int, of elements: S, by less: (S.Element, S.Element) -> Bool) -> [S.Element] {
        smallest(k, of: elements, budget: .unlimited, by: less) ?? []
    }

    /// `items` sorted (stable, bottom-up merge sort), or `nil` when `budget` ran out first; one
    /// step per comparison.
    static func mergeSorted<T>(_ items: [T], budget: WorkBudget, by less: (T, T) -> Bool) -> [T]? {
        let count = items.count
        guard count > 1 else { return items }
        var source = items
        var target = items
        var width = 1
        while width < count {
            var start = 0
            while start < count {
                let middle = Swift.min(start + width, count)
                let end = Swift.min(middle + width, count)
                var left = start
                var right = middle
                var out = start
                while left < middle, right < end {
                    guard budget.spend() else { return nil }
                    if less(source[right], source[left]) {
                        target[out] = source[right]
                        right += 1
                    } else {
                        target[out] = source[left]
                        left += 1
                    }
                    out += 1
                }
                while left < middle {
                    target[out] = source[left]
                    left += 1
                    out += 1
                }
                while right < end {
                    target[out] = source[right]
                    right += 1
                    out += 1
                }
                start = end
            }
            swap(&source, &target)
            width = width > count / 2 ? count : width * 2
        }
        return source
    }
}
