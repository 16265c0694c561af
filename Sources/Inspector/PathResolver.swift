import ManholeWire

/// Follows an ``InspectorPath`` from an entry's value, one segment at a time.
///
/// Runs in the entry's read context, like rendering. Each step reads only what it needs: an
/// array index is O(1), a dictionary key is an O(1) lookup when the key type can be made from
/// text (`String`, `Int`, any `LosslessStringConvertible`), and every scan (other keys, a set's
/// members up to an index, names for suggestions, at most ``scanLimit`` of them) is charged to a
/// ``WorkBudget``: when it runs out the step fails with
/// ``PathError/workLimitReached(at:typeName:offset:scanned:total:noun:)``. Every index from the
/// path is checked against the count before any arithmetic or allocation.
enum PathResolver {
    /// How many names or keys a failing step looks at for suggestions.
    static let scanLimit = 10_000

    /// The value at the end of `path`, starting from the entry's `root`; with `segmentCount`, the
    /// value after that many segments.
    static func resolve(
        _ root: Any, path: InspectorPath, segmentCount: Int? = nil, sortLimit: Int = 10_000,
        budget: WorkBudget = .unlimited
    ) throws(PathError) -> Any {
        var value = root
        let end = Swift.min(Swift.max(0, segmentCount ?? path.segments.count), path.segments.count)
        for (index, segment) in path.segments.prefix(end).enumerated() {
            value = try step(from: value, segment: segment, at: path.prefix(before: index), sortLimit: sortLimit, budget: budget)
        }
        return value
    }

    private static func step(
        from value: Any, segment: InspectorPath.Segment, at: @autoclosure () -> String, sortLimit: Int, budget: WorkBudget
    ) throws(PathError) -> Any {
        let current = Reflected(value)
        var typeName: String { TypeFactsCache.shared.name(of: type(of: current.value)) }
        if case .none(let optionalType) = current.shape {
            throw .nilValue(segment: segment.text, at: at(), typeName: optionalType, offset: segment.offset)
        }
        func stopped(_ scanned: Int, of total: Int?, _ noun: String) -> PathError {
            .workLimitReached(at: at(), typeName: typeName, offset: segment.offset, scanned: scanned, total: total, noun: noun)
        }
        switch segment.step {
        case .member(let name):
            if let caseName = current.caseName, caseName == name, let payload = current.enumPayload {
                return payload
            }
            if !current.isContainer, let found = child(of: current, labelled: name, budget: budget) { return found }
            if name == "count", case .text(let string) = current.shape, string.utf8.count > Quoting.characterCountLimit {
                // Counting the characters of a long string walks all of them: within budget.
                var counted = 0
                var position = string.startIndex
                while position < string.endIndex {
                    if counted % 64 == 0, !budget.spend() { throw stopped(counted, of: nil, "characters") }
                    string.formIndex(after: &position)
                    counted += 1
                }
                return counted
            }
            if name == "count", current.hasCountMember { return current.countMember }
            throw .noSuchMember(
                member: name, at: at(), typeName: typeName, offset: segment.offset,
                suggestions: Suggestions.closest(to: name, among: memberNames(of: current, budget: budget), budget: budget))
        case .index(let index):
            guard index >= 0 else {
                throw .indexOutOfRange(
                    index: index, count: current.knownCount ?? 0, at: at(), typeName: typeName, offset: segment.offset)
            }
            switch current.shape {
            case .collection:
                if let collection = current.value as? any RandomAccessCollection {
                    if let element = element(of: collection, at: index) { return element }
                    throw .indexOutOfRange(
                        index: index, count: collection.count, at: at(), typeName: typeName, offset: segment.offset)
                }
                // Not random-access: walk to the index, within budget.
                var walked = 0
                var found: Any?
                var ranOut = false
                current.forEachChild { _, child in
                    guard budget.spend() else {
                        ranOut = true
                        return false
                    }
                    if walked == index {
                        found = child
                        return false
                    }
                    walked += 1
                    return true
                }
                if let found { return found }
                if ranOut { throw stopped(walked, of: current.knownCount, "elements") }
                throw .indexOutOfRange(index: index, count: walked, at: at(), typeName: typeName, offset: segment.offset)
            case .set:
                if let set = current.value as? any SetReflecting {
                    guard index < set.reflectedCount else {
                        throw .indexOutOfRange(
                            index: index, count: set.reflectedCount, at: at(), typeName: typeName, offset: segment.offset)
                    }
                    switch set.reflectedMember(at: index, sortLimit: sortLimit, budget: budget) {
                    case .found(let member): return member
                    case .missing:
                        throw .indexOutOfRange(
                            index: index, count: set.reflectedCount, at: at(), typeName: typeName, offset: segment.offset)
                    case .stopped(let scanned): throw stopped(scanned, of: set.reflectedCount, "members")
                    }
                }
            case .dictionary:
                return try keyed(current, key: String(index), segment: segment, at: at(), typeName: typeName, budget: budget)
            case .none, .text, .scalar:
                throw .notSubscriptable(segment: segment.text, at: at(), typeName: typeName, offset: segment.offset)
            default:
                break
            }
            if let found = tupleElement(of: current, index) ?? child(of: current, labelled: "[\(index)]", budget: budget) {
                return found
            }
            if budget.isExhausted { throw stopped(budget.spent, of: current.knownCount, "children") }
            if case .set = current.shape {
                throw .indexOutOfRange(
                    index: index, count: current.knownCount ?? 0, at: at(), typeName: typeName, offset: segment.offset)
            }
            throw .notSubscriptable(segment: segment.text, at: at(), typeName: typeName, offset: segment.offset)
        case .key(let key):
            switch current.shape {
            case .dictionary:
                return try keyed(current, key: key, segment: segment, at: at(), typeName: typeName, budget: budget)
            case .collection, .set:
                // Their children have no labels: no key can name one, so there is nothing to scan.
                throw .notSubscriptable(segment: segment.text, at: at(), typeName: typeName, offset: segment.offset)
            default:
                break
            }
            if let found = child(of: current, labelled: Reflected.keyLabel(key), budget: budget) { return found }
            if budget.isExhausted { throw stopped(budget.spent, of: current.knownCount, "children") }
            throw .notSubscriptable(segment: segment.text, at: at(), typeName: typeName, offset: segment.offset)
        }
    }

    /// The child labelled `name`, looked for within `budget`.
    private static func child(of current: Reflected, labelled name: String, budget: WorkBudget) -> Any? {
        if let fields = current.fields, let mirror = current.mirror {
            // The field is known by its label: read that child alone, charging the steps the
            // scan below would take (one per field up to it, or every field when there is none).
            let slot = fields.slots[name]
            for _ in 0..<(slot.map { $0.order + 1 } ?? fields.labels.count) {
                guard budget.spend() else { return nil }
            }
            guard let slot else { return nil }
            let children = mirror.children
            return children[children.index(children.startIndex, offsetBy: slot.child)].value
        }
        var found: Any?
        current.forEachChild { label, value in
            guard budget.spend() else { return false }
            guard label == name else { return true }
            found = value
            return false
        }
        return found
    }

    private static func tupleElement(of current: Reflected, _ index: Int) -> Any? {
        guard case .tuple = current.shape, let mirror = current.mirror, index >= 0, index < mirror.children.count else {
            return nil
        }
        return mirror.children[mirror.children.index(mirror.children.startIndex, offsetBy: index)].value
    }

    private static func element<C: RandomAccessCollection>(of collection: C, at index: Int) -> Any? {
        guard index >= 0, index < collection.count else { return nil }
        return collection[collection.index(collection.startIndex, offsetBy: index)]
    }

    private static func keyed(
        _ current: Reflected, key: String, segment: InspectorPath.Segment, at: String, typeName: String, budget: WorkBudget
    ) throws(PathError) -> Any {
        if let dictionary = current.value as? any DictionaryReflecting {
            switch dictionary.reflectedValue(forKeyText: key, budget: budget) {
            case .found(let value):
                return value
            case .stopped(let scanned):
                throw .workLimitReached(
                    at: at, typeName: typeName, offset: segment.offset, scanned: scanned, total: dictionary.reflectedCount,
                    noun: "keys")
            case .missing:
                break
            }
            // Suggestions are a courtesy: a quarter of what is left.
            let share = budget.share(0.25)
            let keys = dictionary.reflectedKeys(limit: scanLimit, budget: share)
            var byText: [String: String] = [:]
            for key in keys {
                guard share.spend() else { break }
                let text = String(describing: key)
                if byText[text] == nil { byText[text] = Reflected.keyText(key) }
            }
            let closest = Suggestions.closest(to: key, among: byText.keys, budget: share)
            throw .noSuchKey(
                key: written(segment), at: at, typeName: typeName, offset: segment.offset,
                suggestions: closest.compactMap { byText[$0] })
        }
        var labels: [String] = []
        var found: Any?
        let wanted = Reflected.keyLabel(key)
        current.forEachChild { label, value in
            guard budget.spend() else { return false }
            if label == wanted || label == "[\(key)]" {
                found = value
                return false
            }
            if labels.count < scanLimit { labels.append(label) }
            return true
        }
        if let found { return found }
        if budget.isExhausted {
            throw .workLimitReached(
                at: at, typeName: typeName, offset: segment.offset, scanned: labels.count, total: current.knownCount,
                noun: "keys")
        }
        throw .noSuchKey(
            key: written(segment), at: at, typeName: typeName, offset: segment.offset,
            suggestions: Suggestions.closest(to: wanted, among: labels, budget: budget).map { String($0.dropFirst().dropLast()) })
    }

    /// A key as the path spelled it, without the brackets.
    private static func written(_ segment: InspectorPath.Segment) -> String {
        String(segment.text.dropFirst().dropLast())
    }

    /// The member names offered for a value: its child labels (not index labels), the case name
    /// of an enum, and `count` where it applies. At most ``scanLimit`` labels are read, fewer
    /// when `budget` runs out.
    static func memberNames(of current: Reflected, budget: WorkBudget = .unlimited) -> [String] {
        var names: [String] = []
        if !current.isContainer {
            var visited = 0
            current.forEachChildLabel { label in
                guard budget.spend() else { return false }
                if !label.hasPrefix("[") { names.append(label) }
                visited += 1
                return visited < scanLimit
            }
        }
        if let caseName = current.caseName, current.enumPayload != nil { names.append(caseName) }
        if current.hasCountMember { names.append("count") }
        return names
    }
}
