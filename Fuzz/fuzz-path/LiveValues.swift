import ManholeWire
import Inspector

// The live values the path fuzzer resolves paths against, and the checks it makes on what it
// reaches. Built once per process; read only from the fuzzing thread.

enum Color: String, Hashable, Comparable {
    case red, green, blue
    static func < (a: Color, b: Color) -> Bool { a.rawValue < b.rawValue }
}

struct Point: Hashable {
    var x: Int
    var y: Int
}

enum Phase {
    case idle
    case running(Int)
    case failed(reason: String, code: Int)
}

/// A description with terminal controls and bidi overrides in it.
struct Hostile: Hashable, CustomStringConvertible {
    var id: Int
    var description: String { "h\u{9B}\(id)\u{202E}x\u{7}" }
}

final class Node {
    var name: String
    var next: Node?
    weak var previous: Node?
    var tags: Set<String>

    init(name: String, tags: Set<String>) {
        self.name = name
        self.tags = tags
    }
}

struct Config {
    var port = 8080
    var host: String? = "localhost"
    var backup: String? = nil
    var pair = (1, name: "x")
    var phases: [Phase] = [.idle, .running(7), .failed(reason: "disk\u{9D}", code: 28)]
}

nonisolated(unsafe) let liveRoots: [String: Any] = {
    let first = Node(name: "first", tags: ["a", "b"])
    let second = Node(name: "second", tags: [])
    first.next = second
    second.next = first
    second.previous = first
    let optional: Int? = 5
    let none: Int? = nil
    return [
        "arr": Array(0..<50),
        "strs": ["a", "b", "c\u{202E}"],
        "set": Set(["red", "green", "blue", "e\u{301}", "\u{9B}"]),
        "iset": Set(0..<100),
        "big": Set(0..<12_000),
        "points": Set([Point(x: 1, y: 2), Point(x: 3, y: 4)]),
        "dict": ["user:42": 1, "user:7": 2, "a\"b": 3, "": 4, "\u{301}k": 5, "k\u{600}": 6, "\u{202E}rtl": 7],
        "idict": [1: "one", -1: "minus one", Int.max: "max", Int.min: "min"],
        "bdict": [true: 1, false: 0],
        "ddict": [1.5: "x", -0.0: "zero", 1e300: "big"],
        "edict": [Color.red: 1, .green: 2],
        "pdict": [Point(x: 1, y: 2): [1, 2], Point(x: -1, y: 0): []],
        "hdict": [Hostile(id: 1): 1, Hostile(id: 2): 2],
        "nested": ["k": ["inner": [Set([1, 2]), []]]],
        "opt": optional as Any,
        "none": none as Any,
        "config": Config(),
        "cycle": first,
        "text": "hello\u{9B}\u{1B}[2J",
        "large": Dictionary(uniqueKeysWithValues: (0..<300).map { (Point(x: $0, y: 0), $0) }),
    ]
}()

/// Steps, not time: every run of an input does the same work.
let fuzzLimit = WorkLimit(time: .seconds(3_600), steps: 100_000)
let fuzzOptions = RenderOptions(maxDepth: 2, maxChildren: 20, maxNodes: 200).withWorkLimit(fuzzLimit)
let fuzzConfiguration = Inspector.Configuration(renderOptions: fuzzOptions, maxCompletions: 40)

private func resolves(_ text: String) -> Any? {
    guard let path = try? InspectorPath(parsing: text) else { return nil }
    return try? SynchronousInspection.resolve(path, in: liveRoots, workLimit: fuzzLimit)
}

private func checkNoTerminalControl(_ text: String, of path: String, allowingTabs: Bool = false) {
    for scalar in text.unicodeScalars
    where scalar != "\n" && !(allowingTabs && scalar == "\t") && Quoting.isTerminalControl(scalar) {
        fatalError("rendering of \(path) holds U+\(String(scalar.value, radix: 16)): \(text.debugDescription)")
    }
}

func checkLive(_ path: InspectorPath) {
    let value: Any
    do {
        value = try SynchronousInspection.resolve(path, in: liveRoots, workLimit: fuzzLimit)
    } catch {
        _ = error.description
        checkNoTerminalControl(error.description, of: path.text, allowingTabs: true)
        return
    }
    let rendering = Renderer(options: fuzzOptions).render(value, label: path.text)
    checkNoTerminalControl(rendering.plainText, of: path.text)
    if rendering.exhaustedBudget != .work, !rendering.plainText.contains("sorting skipped") {
        for child in rendering.root.children where child.reference == nil {
            guard let label = child.label, !label.contains("…") else { continue }
            let childPath = path.text + (label.hasPrefix("[") ? label : "." + label)
            guard let reached = resolves(childPath) else {
                fatalError("\(childPath), a child shown in \(path.text), does not resolve")
            }
            let again = Renderer(options: RenderOptions(maxDepth: 0).withWorkLimit(fuzzLimit)).render(reached, label: childPath)
            let sameSummary = again.root.summary == child.summary || again.root.summary.isEmpty || child.summary.isEmpty
            guard again.root.typeName == child.typeName, sameSummary else {
                fatalError("\(childPath) renders as \(again.root.typeName) \(again.root.summary), shown as \(child.typeName) \(child.summary)")
            }
        }
    }
    for partial in [path.text + ".", path.text + "[", path.text + "[\"", path.text.prefix(path.text.count - 1) + ""] {
        for candidate in SynchronousInspection.completions(of: String(partial), in: liveRoots, configuration: fuzzConfiguration) {
            guard (try? InspectorPath(parsing: candidate)) != nil else {
                fatalError("completion \(candidate) of \(partial) does not parse")
            }
            guard candidate.hasSuffix("]") || candidate.contains(".") || liveRoots[candidate] != nil else { continue }
            if resolves(candidate) == nil, !candidate.hasSuffix(".count") {
                fatalError("completion \(candidate) of \(partial) does not resolve")
            }
        }
    }
}
