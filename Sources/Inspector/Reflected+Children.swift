// The children of a reflected value: a page of them in display order, or each in storage order.
extension Reflected {
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

    /// Calls `body` with each child's label, as ``forEachChild(_:)`` would, until it returns
    /// `false`; without reading the values where the labels are known (a struct's fields, a
    /// custom value's children).
    func forEachChildLabel(_ body: (String) -> Bool) {
        if let fields {
            for label in fields.labels where !body(label) { return }
            return
        }
        if case .custom(_, let children?) = shape {
            // Only the label is read: `children[i].label` copies the whole pair, `Any` included,
            // which was most of the time completion took over a wide value.
            children.withUnsafeBufferPointer { children in
                guard let base = children.baseAddress else { return }
                for index in children.indices {
                    let label = (base + index).pointer(to: \.label)?.pointee ?? children[index].label
                    if !body(label) { return }
                }
            }
            return
        }
        forEachChild { label, _ in body(label) }
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
}
