import ManholeWire

/// Renders any Swift value as a bounded tree of ``RenderedNode``s, through `Mirror`.
///
/// A renderer reads the value it is given, so it must run where that value may be read: the
/// ``Inspector`` calls it in the entry's read context (the reactor thread, the entry's queue or
/// its actor). Its cost is bounded by the ``RenderOptions``, not by the value: only the children
/// that are printed are read, and collections are counted in O(1) where Swift allows it.
///
/// Objects (class instances and actors) already shown in the same rendering are not expanded
/// again: the second occurrence is a ``RenderedNode/Reference`` to the path of the first, which
/// is how cycles end.
package struct Renderer: Sendable {
    /// The budgets of every rendering this renderer makes.
    package var options: RenderOptions

    /// Creates a renderer with the given budgets.
    package init(options: RenderOptions = RenderOptions()) {
        self.options = options
    }

    /// Renders `value` under `label` (usually the path it was reached by).
    ///
    /// Runs on the calling thread, which must be allowed to read `value`, for at most about
    /// ``RenderOptions/workLimit``.
    package func render(_ value: Any, label: String) -> Rendering {
        render(value, label: label, budget: WorkBudget(options.workLimit))
    }

    /// Renders `value`, charging the work to `budget` (shared with the path resolution before it).
    func render(_ value: Any, label: String, budget: WorkBudget) -> Rendering {
        var walk = RenderWalk(options: options, rootPath: Quoting.oneLine(label), budget: budget)
        let root = walk.node(value, label: label, depth: 0, parent: -1) ?? RenderedNode(
            label: label, typeName: Quoting.oneLine(String(describing: type(of: value))), kind: .value, summary: "")
        return Rendering(
            path: label, root: root, nodeCount: walk.nodeCount, byteCount: walk.byteCount,
            exhaustedBudget: walk.exhausted)
    }

    /// The type name and one-line summary of `value`, without reading its children.
    func summarize(_ value: Any) -> (typeName: String, summary: String) {
        var walk = RenderWalk(options: options, rootPath: "", budget: WorkBudget(options.workLimit))
        let header = walk.header(Reflected(value))
        return (header.typeName, header.summary)
    }
}

/// The state of one rendering: budgets used, objects shown, the path of every node shown.
struct RenderWalk {
    let options: RenderOptions
    let rootPath: String
    /// The work left; each node costs one step and a look at the clock.
    let budget: WorkBudget
    private(set) var nodeCount = 0
    private(set) var byteCount = 0
    private(set) var exhausted: RenderedNode.Truncation?
    /// Every node shown: its parent's index and its label, to spell a reference's path.
    private var records: [(parent: Int, label: String)] = []
    private var shownObjects: [ObjectIdentifier: Int] = [:]
    private var ancestors: Set<ObjectIdentifier> = []

    init(options: RenderOptions, rootPath: String, budget: WorkBudget) {
        self.options = options
        self.rootPath = rootPath
        self.budget = budget
    }

    /// Renders one node and, within budget, its children; `nil` when the budget is spent.
    mutating func node(_ value: Any, label rawLabel: String, depth: Int, parent: Int) -> RenderedNode? {
        if nodeCount > 0, !budget.spend(1, checkingClock: true) {
            exhausted = .work
            return nil
        }
        let label = Quoting.oneLine(rawLabel)
        let reflected = Reflected(value)
        let identity = reflected.objectIdentity
        if let identity, let shown = shownObjects[identity] {
            let typeName = self.typeName(of: reflected.value)
            let reference = RenderedNode.Reference(path: path(of: shown), isCycle: ancestors.contains(identity))
            guard charge(label: label, typeName: typeName, summary: reference.path + " (shown above)", depth: depth)
            else { return nil }
            return RenderedNode(label: label, typeName: typeName, kind: .object, summary: "", reference: reference)
        }
        let header = header(reflected)
        guard charge(label: label, typeName: header.typeName, summary: header.summary, depth: depth) else { return nil }
        let record = records.count
        records.append((parent, label))
        if let identity {
            shownObjects[identity] = record
            ancestors.insert(identity)
        }
        defer {
            if let identity { ancestors.remove(identity) }
        }
        var node = RenderedNode(label: label, typeName: header.typeName, kind: header.kind, summary: header.summary)
        guard reflected.hasChildren else { return node }
        guard depth < options.maxDepth else {
            node.truncation = .depth
            node.moreChildren = reflected.knownCount
            return node
        }
        let page = reflected.page(limit: options.maxChildren, sortLimit: options.maxSortedEntries, budget: budget)
        node.note = page.note
        for item in page.items {
            guard exhausted == nil, let child = self.node(item.value, label: item.label, depth: depth + 1, parent: record)
            else { break }
            node.children.append(child)
        }
        let shown = node.children.count
        if shown < page.items.count {
            node.truncation = exhausted
        } else if page.hasMore {
            node.truncation = .children
        }
        if node.truncation != nil, let total = page.total {
            node.moreChildren = total - shown
        }
        if header.summary.isEmpty, !page.hasMore, let total = page.total {
            node.summary = Self.countSummary(total, of: reflected.shape)
        }
        return node
    }

    /// The type name, kind and summary of a value, read without its children.
    mutating func header(_ reflected: Reflected) -> (typeName: String, kind: RenderedNode.Kind, summary: String) {
        let maxLength = options.maxStringLength
        switch reflected.shape {
        case .none(let typeName):
            return (typeName, .none, "nil")
        case .text(let string):
            return (typeName(of: reflected.value), .text, Quoting.quote(string, maxLength: maxLength).text)
        case .custom(let custom, _):
            return (typeName(of: reflected.value), .custom, Quoting.firstLine(custom.inspectorSummary, maxLength: maxLength))
        case .scalar:
            return (
                typeName(of: reflected.value), .value,
                Quoting.firstLine(String(describing: reflected.value), maxLength: maxLength)
            )
        case .enumeration:
            let summary =
                if let described = reflected.value as? any CustomStringConvertible {
                    Quoting.firstLine(described.description, maxLength: maxLength)
                } else {
                    "." + Quoting.oneLine(reflected.caseName ?? "")
                }
            return (typeName(of: reflected.value), .enumeration, summary)
        case .structure, .object:
            if let described = reflected.value as? any CustomStringConvertible {
                return (
                    typeName(of: reflected.value), .value,
                    Quoting.firstLine(described.description, maxLength: maxLength)
                )
            }
            let kind: RenderedNode.Kind = if case .object = reflected.shape { .object } else { .structure }
            let summary = reflected.knownCount.map { Self.countSummary($0, of: reflected.shape) } ?? ""
            return (typeName(of: reflected.value), kind, summary)
        case .collection, .dictionary, .set, .tuple:
            let kind: RenderedNode.Kind =
                switch reflected.shape {
                case .dictionary: .dictionary
                case .set: .set
                case .tuple: .tuple
                default: .collection
                }
            let summary = reflected.knownCount.map { Self.countSummary($0, of: reflected.shape) } ?? ""
            return (typeName(of: reflected.value), kind, summary)
        }
    }

    static func countSummary(_ count: Int, of shape: Reflected.Shape) -> String {
        let (one, many) =
            switch shape {
            case .dictionary: ("entry", "entries")
            case .set: ("member", "members")
            case .structure, .object: ("field", "fields")
            default: ("element", "elements")
            }
        return "\(count) \(count == 1 ? one : many)"
    }

    /// Counts a node against the budgets; `false` (and the budget noted) when it does not fit.
    /// The top node always fits.
    private mutating func charge(label: String, typeName: String, summary: String, depth: Int) -> Bool {
        let cost = label.utf8.count + typeName.utf8.count + summary.utf8.count + 2 * depth + 6
        if nodeCount > 0 {
            if nodeCount >= options.maxNodes {
                exhausted = .nodes
                return false
            }
            if cost > options.maxBytes - byteCount {
                exhausted = .bytes
                return false
            }
        }
        nodeCount += 1
        byteCount += cost
        return true
    }

    private func typeName(of value: Any) -> String {
        TypeFactsCache.shared.name(of: type(of: value))
    }

    /// The path of a node shown earlier: the root path followed by each label on the way.
    private func path(of record: Int) -> String {
        var labels: [String] = []
        var current = record
        while current > 0 {
            labels.append(records[current].label)
            current = records[current].parent
        }
        var path = rootPath
        for label in labels.reversed() {
            path += label.hasPrefix("[") ? label : "." + label
        }
        return path
    }
}
