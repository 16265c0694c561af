import Foundation
import Inspector
import Testing

@Test func aRenderingRoundTripsThroughJSON() throws {
    let rendering = Renderer().render(["a": [1, 2]], label: "m")
    let data = try JSONEncoder().encode(rendering)
    #expect(try JSONDecoder().decode(Rendering.self, from: data) == rendering)
}

@Test func theJSONFormNamesKindsAndMarkersPlainly() throws {
    let node = RenderedNode(label: "x", typeName: "Int", kind: .value, summary: "1", truncation: .depth)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let json = String(decoding: try encoder.encode(node), as: UTF8.self)
    #expect(json == #"{"children":[],"kind":"value","label":"x","summary":"1","truncation":"depth","typeName":"Int"}"#)
}

@Test func onlyContainersPutTheirSummaryInParentheses() {
    let valueLike: [RenderedNode.Kind] = [.value, .text, .enumeration, .none, .custom]
    let containers: [RenderedNode.Kind] = [.structure, .object, .tuple, .collection, .dictionary, .set]
    #expect(valueLike.map(\.summaryIsValue) == [true, true, true, true, true])
    #expect(containers.map(\.summaryIsValue) == [false, false, false, false, false, false])
}
