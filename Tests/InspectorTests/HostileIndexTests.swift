@testable import Inspector
import Reactor
import Testing

/// Values a hostile path is aimed at: a small comparable set, a set too large to sort, an
/// unsortable set, an array, dictionaries keyed by strings and integers, a string.
final class Target: @unchecked Sendable {
    var tags: Set<String> = ["b", "a", "c"]
    var big: Set<Int> = Set(0..<20_000)
    var points: Set<Point> = [Point(x: 1, y: 2), Point(x: 3, y: 4)]
    var list = [10, 20, 30]
    var byName = ["a": 1, "b": 2]
    var byNumber = [1: "one", -1: "minus one"]
    var text = "hello"
}

struct Point: Hashable, Sendable {
    var x: Int
    var y: Int
}

/// Follows `path` from a fresh `Target`; the error if it fails.
private func failure(_ path: String) -> PathError? {
    do {
        _ = try PathResolver.resolve(Target(), path: InspectorPath(parsing: path))
        return nil
    } catch {
        return error
    }
}

@Suite("Hostile indexes: every number from a path is checked before arithmetic or allocation")
struct HostileIndexTests {
    static let numbers = ["9223372036854775807", "9223372036854775806", "-9223372036854775808", "-1", "99999999999999999999999", "4294967296"]

    @Test("Int.max, Int.min, -1 and huge indexes on sets, arrays, dictionaries and strings fail cleanly", arguments: numbers)
    func hostileIndexes(number: String) {
        for member in ["tags", "big", "points", "list", "text"] {
            let error = failure("t.\(member)[\(number)]")
            #expect(error != nil, "t.\(member)[\(number)] resolved")
        }
        // A dictionary keyed by integers looks the number up; by strings, the text.
        #expect(failure("t.byName[\(number)]") != nil)
        if number != "-1" { #expect(failure("t.byNumber[\(number)]") != nil) }
    }

    @Test("An index past the end of a set says how many members it has; a negative integer key is still a key")
    func setIndexPastTheEnd() throws {
        #expect(failure("t.tags[9223372036854775807]") == .indexOutOfRange(
            index: .max, count: 3, at: "t.tags", typeName: "Set<String>", offset: 6))
        #expect(failure("t.big[9223372036854775807]") == .indexOutOfRange(
            index: .max, count: 20_000, at: "t.big", typeName: "Set<Int>", offset: 5))
        #expect(failure("t.points[2]") == .indexOutOfRange(index: 2, count: 2, at: "t.points", typeName: "Set<Point>", offset: 8))
        let value = try PathResolver.resolve(Target(), path: InspectorPath(parsing: "t.byNumber[-1]"))
        #expect(value as? String == "minus one")
    }

    @Test("Selecting more elements than there are allocates for what there is")
    func hugeSelection() {
        #expect(Selection.smallest(.max, of: [3, 1, 2], by: <) == [1, 2, 3])
        #expect(Selection.smallest(.max - 1, of: Set(["b", "a"]), by: <) == ["a", "b"])
        #expect(Selection.smallest(.min, of: [3, 1, 2], by: <).isEmpty)
    }

    @Test("Budgets of Int.max render within what there is")
    func hugeBudgets() {
        let options = RenderOptions(
            maxDepth: .max, maxChildren: .max, maxNodes: .max, maxBytes: .max, maxStringLength: .max, maxSortedEntries: .max)
        let text = Renderer(options: options).render(Target(), label: "t").plainText
        #expect(text.contains("tags: Set<String> (3 members)"))
        // An enum's children are counted as they are read: nothing to reserve in advance.
        let phase = Renderer(options: options).render(Phase.failed(reason: "disk", code: 28), label: "p").plainText
        #expect(phase.contains("code: Int = 28"))
    }

    @Test("Negative counts from a host's configuration are clamped, not trapped on")
    func negativeConfiguration() async throws {
        let reactor = Reactor()
        defer { reactor.stop() }
        let inspector = Inspector(
            reactor: reactor, configuration: .init(maxCompletions: -1, maxIndexCompletions: -5, completionScanLimit: -1))
        inspector.register("t", Target())
        #expect(try await inspector.complete("t").isEmpty)
        #expect(try await inspector.complete("t.").isEmpty)
    }
}
