/// Follows an ``InspectorPath`` from an entry's value, one segment at a time.
///
/// Runs in the entry's read context, like rendering. Each step reads only what it needs: an
/// array index is O(1), a dictionary key is an O(1) lookup when the key type can be made from
/// text (`String`, `Int`, any `LosslessStringConvertible`), and only a failing step scans names
/// (at most ``scanLimit`` of them) to suggest the closest.
enum PathResolver {
    /// How many names or keys a failing step looks at for suggestions.
    static let scanLimit = 10_000

    /// The value at the end of `path`, starting from the entry's `root`; with `segmentCount`, the
    /// value after that many segments.
    static func resolve(_ root: Any, path: InspectorPath, segmentCount: Int? = nil, sortLimit: Int = 10_000)
        throws(PathError) -> Any
    {
        var value = root
        let end = segmentCount ?? path.segments.count
        for (index, segment) in path.segments.prefix(end).enumerated() {
            value = try step(from: value, segment: segment, at: path.prefix(before: index), sortLimit: sortLimit)
        }
        return value
    }

    private static func step(from value: Any, segment: InspectorPath.Segment, at: @autoclosure () -> String, sortLimit: Int)
        throws(PathError) -> Any
    {
        let current = Reflected(value)
        var typeName: String { String(describing: type(of: current.value)) }
        if case .none(let optionalType) = current.shape {
            throw .nilValue(segment: segment.text, at: at(), typeName: optionalType, offset: segment.offset)
        }
        switch segment.step {
        case .member(let name):
            if let caseName = current.caseName, caseName == name, let payload = current.enumPayload {
                return payload
            }
            if !current.isContainer, let found = child(of: current, labelled: name) { return found }
            if name == "count", current.hasCountMember { return current.countMember }
            throw .noSuchMember(
                member: name, at: at(), typeName: typeName, offset: segment.offset,
                suggestions: Suggestions.closest(to: name, among: memberNames(of: current)))
        case .index(let index):
            switch current.shape {
            case .collection:
                if let collection = current.value as? any RandomAccessCollection {
                    if let element = element(of: collection, at: index) { return element }
                    throw .indexOutOfRange(
                        index: index, count: collection.count, at: at(), typeName: typeName, offset: segment.offset)
                }
            case .set:
                let page = current.page(limit: index + 1, sortLimit: sortLimit)
                if index < page.items.count { return page.items[index].value }
                throw .indexOutOfRange(
                    index: index, count: current.countMember, at: at(), typeName: typeName, offset: segment.offset)
            case .dictionary:
                return try keyed(current, key: String(index), segment: segment, at: at(), typeName: typeName)
            case .none, .text, .scalar:
                throw .notSubscriptable(segment: segment.text, at: at(), typeName: typeName, offset: segment.offset)
            default:
                break
            }
            if let found = child(of: current, labelled: "[\(index)]") ?? tupleElement(of: current, index) {
                return found
            }
            if case .collection = current.shape {
                throw .indexOutOfRange(
                    index: index, count: current.countMember, at: at(), typeName: typeName, offset: segment.offset)
            }
            throw .notSubscriptable(segment: segment.text, at: at(), typeName: typeName, offset: segment.offset)
        case .key(let key):
            if case .dictionary = current.shape {
                return try keyed(current, key: key, segment: segment, at: at(), typeName: typeName)
            }
            if let found = child(of: current, labelled: Reflected.keyLabel(key)) { return found }
            throw .notSubscriptable(segment: segment.text, at: at(), typeName: typeName, offset: segment.offset)
        }
    }

    private static func child(of current: Reflected, labelled name: String) -> Any? {
        var found: Any?
        current.forEachChild { label, value in
            guard label == name else { return true }
            found = value
            return false
        }
        return found
    }

    private static func tupleElement(of current: Reflected, _ index: Int) -> Any? {
        guard case .tuple = current.shape, let mirror = current.mirror, index < mirror.children.count else { return nil }
        return mirror.children[mirror.children.index(mirror.children.startIndex, offsetBy: index)].value
    }

    private static func element<C: RandomAccessCollection>(of collection: C, at index: Int) -> Any? {
        guard index >= 0, index < collection.count else { return nil }
        return collection[collection.index(collection.startIndex, offsetBy: index)]
    }

    private static func keyed(_ current: Reflected, key: String, segment: InspectorPath.Segment, at: String, typeName: String)
        throws(PathError) -> Any
    {
        if let dictionary = current.value as? any DictionaryReflecting {
            if let value = dictionary.reflectedValue(forKeyText: key) { return value }
            let keys = dictionary.reflectedKeys(limit: scanLimit)
            let byText = Dictionary(keys.map { (String(describing: $0), Reflected.keyText($0)) }, uniquingKeysWith: { a, _ in a })
            let closest = Suggestions.closest(to: key, among: byText.keys.sorted())
            throw .noSuchKey(
                key: written(segment), at: at, typeName: typeName, offset: segment.offset,
                suggestions: closest.compactMap { byText[$0] })
        }
        var labels: [String] = []
        var found: Any?
        let wanted = Reflected.keyLabel(key)
        current.forEachChild { label, value in
            if label == wanted || label == "[\(key)]" {
                found = value
                return false
            }
            if labels.count < scanLimit { labels.append(label) }
            return true
        }
        if let found { return found }
        throw .noSuchKey(
            key: written(segment), at: at, typeName: typeName, offset: segment.offset,
            suggestions: Suggestions.closest(to: wanted, among: labels).map { String($0.dropFirst().dropLast()) })
    }

    /// A key as the path spelled it, without the brackets.
    private static func written(_ segment: InspectorPath.Segment) -> String {
        String(segment.text.dropFirst().dropLast())
    }

    /// The member names offered for a value: its child labels (not index labels), the case name
    /// of an enum, and `count` where it applies. At most ``scanLimit`` labels are read.
    static func memberNames(of current: Reflected) -> [String] {
        var names: [String] = []
        if !current.isContainer {
            var visited = 0
            current.forEachChild { label, _ in
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
