/// A value seen through `Mirror`, with its optionals unwrapped and its shape decided once.
///
/// Shared by the renderer, path resolution and completion. Everything here runs in the entry's
/// read context and touches only what it is asked for: counts come from `RandomAccessCollection`,
/// dictionaries and sets in O(1), children are read a page at a time.
struct Reflected {
    enum Shape {
        /// An optional that is `nil`; `typeName` is the optional's type.
        case none(typeName: String)
        case text(String)
        /// A value that supplies its own summary; `children` is `nil` when its `Mirror` gives them.
        case custom(any InspectorRepresentable, children: [(label: String, value: Any)]?)
        case collection
        case dictionary
        case set
        case tuple
        case enumeration
        case object
        case structure
        case scalar
    }

    /// The unwrapped value.
    let value: Any
    let shape: Shape
    /// The value's mirror; `nil` for text and `nil` optionals.
    let mirror: Mirror?
    /// How many children the value has, when that is known without walking them.
    let knownCount: Int?

    init(_ original: Any) {
        var value = original
        while true {
            if let string = value as? String {
                self.init(value: string, shape: .text(string), mirror: nil, knownCount: 0)
                return
            }
            if let substring = value as? Substring {
                self.init(value: substring, shape: .text(String(substring)), mirror: nil, knownCount: 0)
                return
            }
            if let character = value as? Character {
                self.init(value: character, shape: .text(String(character)), mirror: nil, knownCount: 0)
                return
            }
            if let summary = Opacity.summary(of: value) {
                self.init(value: value, shape: .custom(OpaqueSummary(summary), children: []), mirror: nil, knownCount: 0)
                return
            }
            if let custom = value as? any InspectorRepresentable {
                let children = custom.inspectorChildren
                let mirror = children == nil ? Mirror(reflecting: custom) : nil
                self.init(value: custom, shape: .custom(custom, children: children), mirror: mirror, knownCount: children?.count)
                return
            }
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional {
                guard let wrapped = mirror.children.first else {
                    self.init(
                        value: value, shape: .none(typeName: String(describing: type(of: value))), mirror: nil,
                        knownCount: 0)
                    return
                }
                value = wrapped.value
                continue
            }
            let isCustomMirror = value is any CustomReflectable
            switch mirror.displayStyle {
            case .collection?:
                let count = (value as? any RandomAccessCollection)?.count
                self.init(value: value, shape: .collection, mirror: mirror, knownCount: count)
            case .dictionary?:
                self.init(
                    value: value, shape: .dictionary, mirror: mirror,
                    knownCount: (value as? any DictionaryReflecting)?.reflectedCount)
            case .set?:
                self.init(
                    value: value, shape: .set, mirror: mirror, knownCount: (value as? any SetReflecting)?.reflectedCount)
            case .tuple?:
                self.init(value: value, shape: .tuple, mirror: mirror, knownCount: mirror.children.count)
            case .enum?:
                self.init(value: value, shape: .enumeration, mirror: mirror, knownCount: nil)
            case .class?:
                self.init(
                    value: value, shape: .object, mirror: mirror,
                    knownCount: isCustomMirror ? nil : Self.fieldCount(mirror, inherited: true))
            case .struct?:
                self.init(
                    value: value, shape: .structure, mirror: mirror,
                    knownCount: isCustomMirror ? nil : Self.fieldCount(mirror, inherited: false))
            default:
                if mirror.children.isEmpty {
                    self.init(value: value, shape: .scalar, mirror: mirror, knownCount: 0)
                } else {
                    self.init(value: value, shape: .structure, mirror: mirror, knownCount: isCustomMirror ? nil : mirror.children.count)
                }
            }
            return
        }
    }

    private init(value: Any, shape: Shape, mirror: Mirror?, knownCount: Int?) {
        self.value = value
        self.shape = shape
        self.mirror = mirror
        self.knownCount = knownCount
    }

    /// The identity of a class instance (or actor), for spotting objects already shown.
    var objectIdentity: ObjectIdentifier? {
        guard type(of: value) is AnyClass else { return nil }
        return ObjectIdentifier(value as AnyObject)
    }

    /// Whether the value has at least one child (O(1)).
    var hasChildren: Bool {
        if let knownCount { return knownCount > 0 }
        switch shape {
        case .none, .text, .scalar: return false
        case .enumeration: return !(mirror?.children.isEmpty ?? true)
        case .object:
            var current = mirror
            while let mirror = current {
                if mirror.children.contains(where: { $0.label != Self.actorStorageLabel }) { return true }
                current = mirror.superclassMirror
            }
            return false
        default: return !(mirror?.children.isEmpty ?? true)
        }
    }

    /// Whether the children are elements labelled by index or key, never by name.
    var isContainer: Bool {
        switch shape {
        case .collection, .dictionary, .set: true
        default: false
        }
    }

    /// Whether `.count` is offered as a pseudo-member in paths and completion.
    var hasCountMember: Bool {
        switch shape {
        case .collection, .dictionary, .set, .text: true
        default: false
        }
    }

    /// The count the `.count` pseudo-member returns; O(n) only for a non-random-access custom collection.
    var countMember: Int {
        if let knownCount, !isText { return knownCount }
        switch shape {
        case .text(let string): return string.count
        default: return mirror?.children.count ?? 0
        }
    }

    private var isText: Bool {
        if case .text = shape { return true }
        return false
    }

    // MARK: - Children

    /// A page of children in display order.
    struct Page {
        var items: [(label: String, value: Any)]
        /// Whether there are children after `items`.
        var hasMore: Bool
        /// The total number of children, when known.
        var total: Int?
        /// How the children were chosen, when that is not obvious.
        var note: String?
    }

    /// The first `limit` children in display order (dictionaries and sets in key order when they
    /// are small enough and their keys `Comparable`, and sorting them fits in half of what is
    /// left of `budget`; otherwise in storage order, with a note).
    func page(limit: Int, sortLimit: Int, budget: WorkBudget) -> Page {
        let limit = Swift.max(0, limit)
        switch shape {
        case .dictionary:
            if let dictionary = value as? any DictionaryReflecting {
                let (entries, ordering) = dictionary.reflectedEntries(first: limit, sortLimit: sortLimit, budget: budget)
                let items = entries.map { (label: Self.keyLabel($0.key), value: $0.value) }
                return Page(
                    items: items, hasMore: dictionary.reflectedCount > items.count, total: dictionary.reflectedCount,
                    note: ordering.note(shown: items.count, sortLimit: sortLimit, noun: "entries"))
            }
        case .set:
            if let set = value as? any SetReflecting {
                let (members, ordering) = set.reflectedMembers(first: limit, sortLimit: sortLimit, budget: budget)
                let items = members.enumerated().map { (label: "[\($0.offset)]", value: $0.element) }
                return Page(
                    items: items, hasMore: set.reflectedCount > items.count, total: set.reflectedCount,
                    note: ordering.note(shown: items.count, sortLimit: sortLimit, noun: "members"))
            }
        default:
            break
        }
        var items: [(label: String, value: Any)] = []
        var hasMore = false
        items.reserveCapacity(Swift.min(limit, knownCount ?? 0, 1_024))
        forEachChild { label, value in
            if items.count == limit {
                hasMore = true
                return false
            }
            items.append((label, value))
            return true
        }
        return Page(items: items, hasMore: hasMore, total: knownCount ?? (hasMore ? nil : items.count), note: nil)
    }

    /// Calls `body` with each child's label and value, in storage order, until it returns `false`.
    func forEachChild(_ body: (String, Any) -> Bool) {
        switch shape {
        case .none, .text, .scalar:
            return
        case .custom(_, let children):
            if let children {
                for child in children where !body(child.label, child.value) { return }
                return
            }
            if let mirror { Self.forEachField(of: mirror, body) }
        case .collection, .set:
            guard let mirror else { return }
            var index = 0
            for child in mirror.children {
                guard body("[\(index)]", child.value) else { return }
                index += 1
            }
        case .dictionary:
            guard let mirror else { return }
            for child in mirror.children {
                let pair = Array(Mirror(reflecting: child.value).children)
                guard pair.count == 2 else { continue }
                guard body(Self.keyLabel(pair[0].value), pair[1].value) else { return }
            }
        case .enumeration:
            guard let mirror, let payload = mirror.children.first else { return }
            let payloadMirror = Mirror(reflecting: payload.value)
            if payloadMirror.displayStyle == .tuple {
                Self.forEachField(of: payloadMirror, body)
            } else {
                _ = body(payload.label ?? "0", payload.value)
            }
        case .object:
            guard let mirror else { return }
            var chain = [mirror]
            while let base = chain[chain.count - 1].superclassMirror { chain.append(base) }
            for mirror in chain.reversed() {
                var stopped = false
                Self.forEachField(of: mirror) { label, value in
                    stopped = !body(label, value)
                    return !stopped
                }
                if stopped { return }
            }
        case .tuple, .structure:
            if let mirror { Self.forEachField(of: mirror, body) }
        }
    }

    /// The case name of an enum value (`running`), or `nil` for other shapes.
    var caseName: String? {
        guard case .enumeration = shape, let mirror else { return nil }
        if let payload = mirror.children.first { return payload.label }
        return String(describing: value)
    }

    /// The payload of an enum value, if it has one.
    var enumPayload: Any? {
        guard case .enumeration = shape else { return nil }
        return mirror?.children.first?.value
    }

    // MARK: - Helpers

    static let actorStorageLabel = "$defaultActor"
    private static let lazyStoragePrefix = "$__lazy_storage_$_"

    private static func forEachField(of mirror: Mirror, _ body: (String, Any) -> Bool) {
        var index = 0
        for child in mirror.children {
            defer { index += 1 }
            guard let label = child.label else {
                guard body("[\(index)]", child.value) else { return }
                continue
            }
            if label == actorStorageLabel { continue }
            guard body(fieldLabel(label), child.value) else { return }
        }
    }

    /// A field label as paths spell it: tuple labels without the dot (`0`), lazy properties by name.
    static func fieldLabel(_ label: String) -> String {
        if label.hasPrefix("."), label.count > 1 { return String(label.dropFirst()) }
        if label.hasPrefix(lazyStoragePrefix) { return String(label.dropFirst(lazyStoragePrefix.count)) }
        return label
    }

    private static func fieldCount(_ mirror: Mirror, inherited: Bool) -> Int {
        var count = 0
        var current: Mirror? = mirror
        while let mirror = current {
            count += mirror.children.count
            if mirror.children.first?.label == actorStorageLabel { count -= 1 }
            current = inherited ? mirror.superclassMirror : nil
        }
        return count
    }

    /// The label of a dictionary entry: `["user:42"]` for string keys, `[42]` for others.
    static func keyLabel(_ key: Any) -> String {
        "[\(keyText(key))]"
    }

    /// A key as it appears between brackets (an opaque key, see ``InspectorOpaque``, by its type only).
    static func keyText(_ key: Any) -> String {
        if let string = key as? String { return Quoting.quote(string, maxLength: 80).text }
        if Opacity.isOpaque(type(of: key)) { return "<" + Quoting.oneLine(String(describing: type(of: key))) + ">" }
        return Quoting.firstLine(String(describing: key), maxLength: 80)
    }
}

/// The summary shown for an opaque value (see ``InspectorOpaque``).
private struct OpaqueSummary: InspectorRepresentable {
    let inspectorSummary: String
    var inspectorChildren: [(label: String, value: Any)]? { [] }

    init(_ summary: String) { inspectorSummary = summary }
}

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
        guard let strings = keys as Any as? Dictionary<String, Value>.Keys else {
            for key in keys.prefix(limit) {
                guard budget.spend() else { break }
                let text = Reflected.keyText(key)
                if text.hasPrefix(prefix) { texts.append(text) }
            }
            return texts
        }
        // Quoting every key is the expensive part: the raw key rules most out first.
        let raw = prefix.hasPrefix("\"") ? String(prefix.dropFirst()) : prefix
        let quick = String(raw.prefix(while: { $0 != "\\" }))
        for key in strings.prefix(limit) {
            guard budget.spend() else { break }
            guard key.hasPrefix(quick) else { continue }
            let text = Reflected.keyText(key)
            if text.hasPrefix(prefix) { texts.append(text) }
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
        var generator = SplitMix(seed: UInt64(items.count))
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

    /// A small, seedable generator for pivots (SplitMix64).
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
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
