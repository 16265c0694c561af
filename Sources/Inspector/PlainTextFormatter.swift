/// The text form of a rendered tree, as the manhole shell prints it.
///
/// One line per node, indented two spaces per level:
///
/// ```
/// app: App (3 fields)
///   name: String = "demo"
///   config: Config (2 fields) …
///   jobs: Array<Int> (1000000 elements)
///     [0]: Int = 7
///     … 999999 more
/// ```
///
/// A value's summary follows `=`; a container's follows in parentheses. A trailing `…` marks a
/// node whose children lie beyond the depth budget; a `… N more` line marks children left out
/// (with the budget that stopped them, if it was not the per-node limit); `→ path` marks an
/// object shown earlier, `(cycle)` when it is an ancestor.
package enum PlainTextFormatter {
    /// Formats `root` and everything below it; lines end with `\n`.
    package static func format(_ root: RenderedNode) -> String {
        var out = ""
        write(root, indent: "", into: &out)
        return out
    }

    private static func write(_ node: RenderedNode, indent: String, into out: inout String) {
        out += indent
        out += node.label.map { $0 + ": " } ?? ""
        out += node.typeName
        if let reference = node.reference {
            out += " → " + reference.path + (reference.isCycle ? " (cycle)" : " (shown above)")
        } else if !node.summary.isEmpty {
            out += node.kind.summaryIsValue ? " = \(node.summary)" : " (\(node.summary))"
        }
        if node.truncation == .depth { out += " …" }
        if let note = node.note { out += " [\(note)]" }
        out += "\n"
        let childIndent = indent + "  "
        for child in node.children { write(child, indent: childIndent, into: &out) }
        guard let truncation = node.truncation, truncation != .depth else { return }
        out += childIndent + "… " + (node.moreChildren.map { "\($0) more" } ?? "more")
        switch truncation {
        case .nodes: out += " (node budget reached)"
        case .bytes: out += " (byte budget reached)"
        case .work: out += " (work limit reached)"
        case .children, .depth: break
        }
        out += "\n"
    }
}
