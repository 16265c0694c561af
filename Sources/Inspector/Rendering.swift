/// The result of rendering one value: its plain-text form for a shell, and (in its JSON encoding,
/// which the manhole's `@json` replies use) the tree of nodes and how big it is.
public struct Rendering: Sendable, Hashable, Codable {
    /// The path that was rendered (the top node's label).
    public var path: String
    /// The top node.
    package var root: RenderedNode
    /// How many nodes the tree holds.
    package var nodeCount: Int
    /// The approximate size of ``plainText`` in bytes, as counted against ``RenderOptions/maxBytes``.
    package var byteCount: Int
    /// The budget that stopped the rendering early (`.nodes`, `.bytes` or `.work`), if one did.
    package var exhaustedBudget: RenderedNode.Truncation?

    /// Creates a rendering.
    package init(path: String, root: RenderedNode, nodeCount: Int, byteCount: Int, exhaustedBudget: RenderedNode.Truncation?) {
        self.path = path
        self.root = root
        self.nodeCount = nodeCount
        self.byteCount = byteCount
        self.exhaustedBudget = exhaustedBudget
    }

    /// The text the manhole shell prints: one line per node, indented two spaces per level.
    public var plainText: String { PlainTextFormatter.format(root) }
}
