import Inspector
import Testing

@Test func valuesFollowAnEqualsSignAndContainersTheirCountInParentheses() {
    let node = RenderedNode(
        label: "app", typeName: "App", kind: .object, summary: "2 fields",
        children: [
            RenderedNode(label: "port", typeName: "Int", kind: .value, summary: "8080"),
            RenderedNode(label: "owner", typeName: "Optional<String>", kind: .none, summary: "nil"),
        ])
    #expect(PlainTextFormatter.format(node) == "app: App (2 fields)\n  port: Int = 8080\n  owner: Optional<String> = nil\n")
}

@Test func everyTruncationHasAVisibleMarker() {
    let node = RenderedNode(
        label: "root", typeName: "Array<Any>", kind: .collection, summary: "9 elements",
        children: [
            RenderedNode(label: "[0]", typeName: "Config", kind: .structure, summary: "2 fields", moreChildren: 2, truncation: .depth),
            RenderedNode(
                label: "[1]", typeName: "Array<Int>", kind: .collection, summary: "", truncation: .children),
            RenderedNode(
                label: "[2]", typeName: "Array<Int>", kind: .collection, summary: "5 elements", moreChildren: 5,
                truncation: .bytes),
            RenderedNode(
                label: "[3]", typeName: "Node", kind: .object, summary: "",
                reference: RenderedNode.Reference(path: "root", isCycle: true)),
            RenderedNode(
                label: "[4]", typeName: "Node", kind: .object, summary: "",
                reference: RenderedNode.Reference(path: "root[3]", isCycle: false)),
        ],
        moreChildren: 4, truncation: .nodes, note: "a note")
    #expect(
        PlainTextFormatter.format(node) == """
            root: Array<Any> (9 elements) [a note]
              [0]: Config (2 fields) …
              [1]: Array<Int>
                … more
              [2]: Array<Int> (5 elements)
                … 5 more (byte budget reached)
              [3]: Node → root (cycle)
              [4]: Node → root[3] (shown above)
              … 4 more (node budget reached)

            """)
}
