/// One node of a rendered value: what the plain-text form prints as one line, and the lines
/// indented below it.
///
/// A plain, `Sendable` and `Codable` snapshot: it is built in the entry's read context and may be
/// sent anywhere afterwards (to the reactor thread, over the wire as JSON).
package struct RenderedNode: Sendable, Hashable, Codable {
    /// What kind of value a node shows; decides how the plain-text form prints the summary.
    package enum Kind: String, Sendable, Hashable, Codable {
        /// A scalar or a value shown by its description (`8080`, `true`, a `CustomStringConvertible`).
        case value
        /// A string, quoted and escaped.
        case text
        /// A struct shown by its fields.
        case structure
        /// A class instance (or actor) shown by its fields, inherited ones first.
        case object
        /// An enum case; its payload, if any, are the children.
        case enumeration
        /// A tuple.
        case tuple
        /// An optional that is `nil`.
        case none
        /// An ordered collection (an array, a custom collection).
        case collection
        /// A dictionary; children are labelled with their keys.
        case dictionary
        /// A set.
        case set
        /// A value of a type that supplies its own summary through ``InspectorRepresentable``.
        case custom

        /// Whether the summary is the value itself (`= summary`) rather than a description of
        /// the contents (`(3 fields)`).
        package var summaryIsValue: Bool {
            switch self {
            case .value, .text, .enumeration, .none, .custom: true
            case .structure, .object, .tuple, .collection, .dictionary, .set: false
            }
        }
    }

    /// Why a node shows fewer children than it has.
    package enum Truncation: String, Sendable, Hashable, Codable {
        /// The node is at ``RenderOptions/maxDepth``: its children are not expanded.
        case depth
        /// Only ``RenderOptions/maxChildren`` children are shown.
        case children
        /// The rendering reached ``RenderOptions/maxNodes``.
        case nodes
        /// The rendering reached ``RenderOptions/maxBytes``.
        case bytes
        /// The rendering used up its ``RenderOptions/workLimit``.
        case work
    }

    /// A node that stands for an object already shown elsewhere in the same rendering.
    package struct Reference: Sendable, Hashable, Codable {
        /// The path of the node where the object is shown, usable with ``Inspector/inspect(_:options:)``.
        package var path: String
        /// Whether that node is an ancestor of this one (a cycle) rather than an earlier sibling branch.
        package var isCycle: Bool

        /// Creates a reference.
        package init(path: String, isCycle: Bool) {
            self.path = path
            self.isCycle = isCycle
        }
    }

    /// The label under its parent: a field name (`port`), an index (`[3]`), a key (`["user:42"]`);
    /// for the top node, the path that was rendered.
    package var label: String?
    /// The dynamic type, as `String(describing:)` prints it (`Array<Job>`, `Config`).
    package var typeName: String
    /// What kind of value this is.
    package var kind: Kind
    /// One line: the value (`8080`, `"demo"`, `.running`) or what it holds (`3 fields`, `1000000 elements`).
    package var summary: String
    /// The children shown.
    package var children: [RenderedNode]
    /// How many children are not shown, when that is known cheaply (`nil` when nothing is
    /// missing or the number is unknown; see ``truncation``).
    package var moreChildren: Int?
    /// Why children are missing, if they are.
    package var truncation: Truncation?
    /// Set when the node is an object already shown: its children are not repeated.
    package var reference: Reference?
    /// A remark on how the children were chosen, e.g. that a huge dictionary is shown unsorted.
    package var note: String?

    /// Creates a node.
    package init(
        label: String?, typeName: String, kind: Kind, summary: String, children: [RenderedNode] = [],
        moreChildren: Int? = nil, truncation: Truncation? = nil, reference: Reference? = nil, note: String? = nil
    ) {
        self.label = label
        self.typeName = typeName
        self.kind = kind
        self.summary = summary
        self.children = children
        self.moreChildren = moreChildren
        self.truncation = truncation
        self.reference = reference
        self.note = note
    }
}
