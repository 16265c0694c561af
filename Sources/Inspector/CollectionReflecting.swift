/// How the entries of a dictionary or set page were chosen.
enum EntryOrdering {
    case sorted
    case unsortable
    case tooLargeToSort
    /// Sorting ran out of its share of the work budget.
    case sortStopped

    func note(shown: Int, sortLimit: Int, noun: String) -> String? {
        switch self {
        case .sorted, .unsortable: nil
        case .tooLargeToSort: "first \(shown) in storage order: more than \(sortLimit) \(noun) to sort"
        case .sortStopped: "first \(shown) in storage order: sorting skipped (work limit)"
        }
    }
}

/// What a budgeted lookup found.
enum Lookup {
    case found(Any)
    /// Looked everywhere: there is none.
    case missing
    /// The work budget ran out after `scanned` keys or members.
    case stopped(scanned: Int)
}

/// Typed access to a `Dictionary` behind `Any`: O(1) count and key lookup, and a page of
/// entries in key order without sorting the whole dictionary. Every scan is bounded by a
/// ``WorkBudget``.
protocol DictionaryReflecting {
    var reflectedCount: Int { get }
    func reflectedEntries(first limit: Int, sortLimit: Int, budget: WorkBudget)
        -> (entries: [(key: Any, value: Any)], ordering: EntryOrdering)
    /// The value for the key spelled `text` (`user:42` for a string key, `42` for an integer
    /// key): a hashed lookup when the key type can be made from text, else a scan of the keys.
    func reflectedValue(forKeyText text: String, budget: WorkBudget) -> Lookup
    /// Up to `limit` keys, in storage order, as many as `budget` allows.
    func reflectedKeys(limit: Int, budget: WorkBudget) -> [Any]
    /// The bracketed spellings (``Reflected/keyText(_:)``) that start with `prefix`, among the
    /// first `limit` keys (fewer when `budget` runs out), unsorted.
    func reflectedKeyTexts(withPrefix prefix: String, limit: Int, budget: WorkBudget) -> [String]
}

/// Typed access to a `Set` behind `Any`.
protocol SetReflecting {
    var reflectedCount: Int { get }
    func reflectedMembers(first limit: Int, sortLimit: Int, budget: WorkBudget) -> (members: [Any], ordering: EntryOrdering)
    /// The member at `index` (0 ≤ `index` < count) in display order: key order when the set is
    /// sortable and at most `sortLimit` long, else storage order.
    func reflectedMember(at index: Int, sortLimit: Int, budget: WorkBudget) -> Lookup
}

/// Dictionaries whose keys are `Comparable`, found by a dynamic cast.
private protocol SortableDictionary {
    func smallestEntries(_ limit: Int, budget: WorkBudget) -> [(key: Any, value: Any)]?
}

/// What a hashed lookup by text says.
private enum TextLookup {
    case found(Any)
    /// The text makes a key that is not there, and no other key is spelled that way.
    case missing
    /// The text makes no key, or a key spelled differently: only a scan can tell.
    case undecided
}

/// Dictionaries whose keys can be made from text, found by a dynamic cast.
private protocol TextKeyedDictionary {
    func value(forKeyText text: String) -> TextLookup
}

/// Sets whose members are `Comparable`, found by a dynamic cast.
private protocol SortableSet {
    func smallestMembers(_ limit: Int, budget: WorkBudget) -> [Any]?
    /// The member at `rank` (0 ≤ `rank` < count) in increasing order, or `nil` when `budget` ran out.
    func member(ofRank rank: Int, budget: WorkBudget) -> Any?
}

extension Dictionary: DictionaryReflecting {
    var reflectedCount: Int { count }

    func reflectedEntries(first limit: Int, sortLimit: Int, budget: WorkBudget)
        -> (entries: [(key: Any, value: Any)], ordering: EntryOrdering)
    {
        let limit = Swift.max(0, limit)
        let unsorted = { prefix(limit).map { (key: $0.key as Any, value: $0.value as Any) } }
        guard let sortable = self as Any as? any SortableDictionary else { return (unsorted(), .unsortable) }
        guard count <= sortLimit else { return (unsorted(), .tooLargeToSort) }
        guard let entries = sortable.smallestEntries(limit, budget: budget.share(0.5)) else {
            return (unsorted(), .sortStopped)
        }
        return (entries, .sorted)
    }

    func reflectedValue(forKeyText text: String, budget: WorkBudget) -> Lookup {
        if let keyed = self as Any as? any TextKeyedDictionary {
            switch keyed.value(forKeyText: text) {
            case .found(let value): return .found(value)
            case .missing: return .missing
            case .undecided: break
            }
        }
        var scanned = 0
        for (key, value) in self {
            guard budget.spend() else { return .stopped(scanned: scanned) }
            scanned += 1
            if Reflected.keyText(key) == text || String(describing: key) == text { return .found(value as Any) }
        }
        return .missing
    }

    func reflectedKeys(limit: Int, budget: WorkBudget) -> [Any] {
        var keys: [Any] = []
        for key in self.keys.prefix(Swift.max(0, limit)) {
            guard budget.spend() else { break }
            keys.append(key)
        }
        return keys
    }

    func reflectedKeyTexts(withPrefix prefix: String, limit: Int, budget: WorkBudget) -> [String] {
        var texts: [String] = []
        let limit = Swift.max(0, limit)
        let matcher = PrefixMatcher(prefix)
        // The keys are counted rather than sliced with `prefix(_:)`: a slice of keys of a
        // dictionary whose types are known only at run time pays a generic lookup per key.
        var scanned = 0
        guard let strings = keys as Any as? Dictionary<String, Value>.Keys else {
            for key in keys {
                guard scanned < limit else { break }
                scanned += 1
                guard budget.spend() else { break }
                let text = Reflected.keyText(key)
                if matcher.matches(text) { texts.append(text) }
            }
            return texts
        }
        // Quoting every key is the expensive part: the raw key rules most out first.
        let raw = prefix.hasPrefix("\"") ? String(prefix.dropFirst()) : prefix
        let quick = PrefixMatcher(String(raw.prefix(while: { $0 != "\\" })))
        for key in strings {
            guard scanned < limit else { break }
            scanned += 1
            guard budget.spend() else { break }
            guard quick.matches(key) else { continue }
            let text = Reflected.keyText(key)
            if matcher.matches(text) { texts.append(text) }
        }
        return texts
    }
}

extension Dictionary: SortableDictionary where Key: Comparable {
    fileprivate func smallestEntries(_ limit: Int, budget: WorkBudget) -> [(key: Any, value: Any)]? {
        Selection.smallest(limit, of: self, budget: budget) { $0.key < $1.key }?
            .map { (key: $0.key as Any, value: $0.value as Any) }
    }
}

extension Dictionary: TextKeyedDictionary where Key: LosslessStringConvertible {
    fileprivate func value(forKeyText text: String) -> TextLookup {
        guard let key = Key(text) else { return .undecided }
        if let value = self[key] { return .found(value as Any) }
        // Another key may be spelled `text` only when this one is spelled otherwise (`+5` is 5).
        return String(describing: key) == text ? .missing : .undecided
    }
}

extension Set: SetReflecting {
    var reflectedCount: Int { count }

    func reflectedMembers(first limit: Int, sortLimit: Int, budget: WorkBudget) -> (members: [Any], ordering: EntryOrdering) {
        let limit = Swift.max(0, limit)
        let unsorted = { prefix(limit).map { $0 as Any } }
        guard let sortable = self as Any as? any SortableSet else { return (unsorted(), .unsortable) }
        guard count <= sortLimit else { return (unsorted(), .tooLargeToSort) }
        guard let members = sortable.smallestMembers(limit, budget: budget.share(0.5)) else {
            return (unsorted(), .sortStopped)
        }
        return (members, .sorted)
    }

    func reflectedMember(at index: Int, sortLimit: Int, budget: WorkBudget) -> Lookup {
        guard index >= 0, index < count else { return .missing }
        if count <= sortLimit, let sortable = self as Any as? any SortableSet {
            guard let member = sortable.member(ofRank: index, budget: budget) else {
                return .stopped(scanned: Swift.min(budget.spent, count))
            }
            return .found(member)
        }
        var position = startIndex
        for walked in 0..<index {
            guard budget.spend() else { return .stopped(scanned: walked) }
            formIndex(after: &position)
        }
        return .found(self[position] as Any)
    }
}

extension Set: SortableSet where Element: Comparable {
    fileprivate func smallestMembers(_ limit: Int, budget: WorkBudget) -> [Any]? {
        Selection.smallest(limit, of: self, budget: budget, by: <)?.map { $0 as Any }
    }

    fileprivate func member(ofRank rank: Int, budget: WorkBudget) -> Any? {
        guard rank >= Selection.insertionLimit else {
            return Selection.smallest(rank + 1, of: self, budget: budget, by: <)?.last.map { $0 as Any }
        }
        return Selection.element(ofRank: rank, of: self, budget: budget, by: <).map { $0 as Any }
    }
}
