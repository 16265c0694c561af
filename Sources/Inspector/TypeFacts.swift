import ManholeWire
import NIOConcurrencyHelpers

/// What the Inspector learns about a type the first time it reflects a value of it, so that the
/// next value of that type costs a dictionary lookup instead of dynamic casts, conformance
/// checks, `Mirror` children and type-name demangling.
///
/// Only facts that cannot differ between two values of the same type are kept. A cast from
/// `Any` can depend on the value when the type wraps another value (`Optional`, `AnyHashable`,
/// boxed classes), and a custom mirror can list different children per value; so the shape is
/// remembered only for structs whose mirror Swift generates (their fields are the type's) and
/// for the standard library's numbers and `Bool` (whose mirrors have no children), in each
/// case after the full checks found no text, opaque or ``InspectorRepresentable`` value there.
struct TypeFacts: Sendable {
    /// What a value of the type reflects as, when that is known from the type alone.
    enum Form: Sendable {
        /// A struct with a generated mirror: its fields, by path label.
        case structure(Fields)
        /// A standard library number or `Bool`: a scalar without children.
        case scalar
    }

    /// The fields of a struct with a generated mirror, in storage order.
    struct Fields: Sendable {
        /// Each field's label as paths spell it (``Reflected/fieldLabel(_:)``), in storage order.
        let labels: [String]
        /// For the first field with each label: its place in ``labels`` and among the mirror's children.
        let slots: [String: (order: Int, child: Int)]
        /// The value's child count as ``Reflected/knownCount`` gives it.
        let count: Int

        /// The fields of a generated `mirror`, labelled as ``Reflected/forEachField(of:_:)`` labels
        /// them; `count` is the child count to report.
        init(_ mirror: Mirror, count: Int) {
            var labels: [String] = []
            var slots: [String: (order: Int, child: Int)] = [:]
            for (index, child) in mirror.children.enumerated() {
                let label: String
                if let raw = child.label {
                    if raw == Reflected.actorStorageLabel { continue }
                    label = Reflected.fieldLabel(raw)
                } else {
                    label = "[\(index)]"
                }
                if slots[label] == nil { slots[label] = (labels.count, index) }
                labels.append(label)
            }
            self.labels = labels
            self.slots = slots
            self.count = count
        }
    }

    let form: Form

    /// The standard library types whose mirror never has children: a value of one is a scalar.
    static let childlessScalars: Set<ObjectIdentifier> = [
        ObjectIdentifier(Int.self), ObjectIdentifier(Int8.self), ObjectIdentifier(Int16.self),
        ObjectIdentifier(Int32.self), ObjectIdentifier(Int64.self), ObjectIdentifier(UInt.self),
        ObjectIdentifier(UInt8.self), ObjectIdentifier(UInt16.self), ObjectIdentifier(UInt32.self),
        ObjectIdentifier(UInt64.self), ObjectIdentifier(Float.self), ObjectIdentifier(Double.self),
        ObjectIdentifier(Bool.self),
    ]
}

/// The type facts and display names learned so far, shared by every inspector in the process.
///
/// Keyed by `ObjectIdentifier` of the metatype, never by name: two types called `Config` in
/// different scopes are two keys. Bounded: once ``capacity`` types are known, new types are
/// still answered correctly, only not remembered (a process has few types; a bound keeps a host
/// that makes generic types without end from growing the cache with them).
final class TypeFactsCache: Sendable {
    /// The one cache the Inspector uses.
    static let shared = TypeFactsCache(capacity: 4_096)

    /// The most types remembered, for facts and for names (each).
    let capacity: Int
    // NIOLockedValueBox, not Synchronization's Mutex: ThreadSanitizer sees its pthread lock, and
    // reported a Mutex-guarded dictionary here as a race (two first reads of one type's name).
    private let facts = NIOLockedValueBox<[ObjectIdentifier: TypeFacts]>([:])
    private let names = NIOLockedValueBox<[ObjectIdentifier: String]>([:])

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// The facts learned about `type`, if any.
    func facts(of type: Any.Type) -> TypeFacts? {
        let key = ObjectIdentifier(type)
        return facts.withLockedValue { $0[key] }
    }

    /// Remembers `facts` about `type`, unless the cache is full.
    func remember(_ facts: TypeFacts, of type: Any.Type) {
        let key = ObjectIdentifier(type)
        self.facts.withLockedValue { known in
            if known.count < capacity || known[key] != nil { known[key] = facts }
        }
    }

    /// The type's name as the Inspector shows it: `String(describing:)`, on one line.
    func name(of type: Any.Type) -> String {
        let key = ObjectIdentifier(type)
        if let name = names.withLockedValue({ $0[key] }) { return name }
        let name = Quoting.oneLine(String(describing: type))
        names.withLockedValue { known in
            if known.count < capacity { known[key] = name }
        }
        return name
    }

    /// How many types have facts and how many have names remembered.
    var counts: (facts: Int, names: Int) {
        (facts.withLockedValue { $0.count }, names.withLockedValue { $0.count })
    }
}
