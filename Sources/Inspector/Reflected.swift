import ManholeWire

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
    /// The fields of a struct with a generated mirror, known from its type (see ``TypeFacts``).
    let fields: TypeFacts.Fields?

    /// Reflects `original`, with what `cache` knows of types (the shared cache by default).
    init(_ original: Any, facts cache: TypeFactsCache = .shared) {
        var value = original
        while true {
            let valueType = type(of: value)
            if let known = cache.facts(of: valueType) {
                switch known.form {
                case .structure(let fields):
                    self.init(
                        value: value, shape: .structure, mirror: Mirror(reflecting: value), knownCount: fields.count,
                        fields: fields)
                case .scalar:
                    self.init(value: value, shape: .scalar, mirror: nil, knownCount: 0)
                }
                return
            }
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
                guard !isCustomMirror else {
                    self.init(value: value, shape: .structure, mirror: mirror, knownCount: nil)
                    return
                }
                // No cast above matched and the mirror is the type's own: the same for every value.
                let fields = TypeFacts.Fields(mirror, count: Self.fieldCount(mirror, inherited: false))
                cache.remember(TypeFacts(form: .structure(fields)), of: valueType)
                self.init(value: value, shape: .structure, mirror: mirror, knownCount: fields.count, fields: fields)
            default:
                if mirror.children.isEmpty {
                    if mirror.displayStyle == nil, TypeFacts.childlessScalars.contains(ObjectIdentifier(valueType)) {
                        cache.remember(TypeFacts(form: .scalar), of: valueType)
                    }
                    self.init(value: value, shape: .scalar, mirror: mirror, knownCount: 0)
                } else {
                    self.init(value: value, shape: .structure, mirror: mirror, knownCount: isCustomMirror ? nil : mirror.children.count)
                }
            }
            return
        }
    }

    private init(value: Any, shape: Shape, mirror: Mirror?, knownCount: Int?, fields: TypeFacts.Fields? = nil) {
        self.value = value
        self.shape = shape
        self.mirror = mirror
        self.knownCount = knownCount
        self.fields = fields
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

    // MARK: - Helpers

    static let actorStorageLabel = "$defaultActor"
    private static let lazyStoragePrefix = "$__lazy_storage_$_"

    static func forEachField(of mirror: Mirror, _ body: (String, Any) -> Bool) {
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

    static func fieldCount(_ mirror: Mirror, inherited: Bool) -> Int {
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
