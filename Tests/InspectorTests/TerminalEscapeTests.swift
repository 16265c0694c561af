@testable import Inspector
import ManholeTesting
import ManholeWire
import Reactor
import Testing

/// Describes itself with whatever text it holds: host data that may try to drive the terminal.
struct Hostile: Hashable, Sendable, CustomStringConvertible {
    var text: String
    var description: String { text }
}

/// A value whose custom children carry hostile labels.
struct HostileLabels: InspectorRepresentable, Sendable {
    var inspectorSummary: String { "labels \u{1B}]52;c;cGF5bG9hZA==\u{07}" }
    var inspectorChildren: [(label: String, value: Any)]? { [("a\u{9B}2J", 1), ("b\u{202E}", 2)] }
}

/// Every escape a terminal may act on, and what must be printed instead.
let hostileText = "x\u{9B}31m\u{9D}0;t\u{07}\u{1B}[2J\u{7F}\u{202E}\u{2066}\u{200F}\u{061C}\u{85}\r"
let escapedText = #"x\u{9B}31m\u{9D}0;t\u{7}\u{1B}[2J\u{7F}\u{202E}\u{2066}\u{200F}\u{61C}\u{85}"#

@Suite("Terminal escapes: host text never reaches the operator's terminal raw")
struct TerminalEscapeTests {
    @Test("Descriptions, strings, keys, custom labels and summaries render with C0, C1, DEL and bidi controls escaped")
    func everyRenderingIsEscaped() {
        let value: [String: Any] = ["s": hostileText, "d": Hostile(text: hostileText)]
        let keyed = [Hostile(text: "k\u{9B}1m"): 1]
        let strings = ["k\u{202E}": 1]
        for (root, label) in [(value as Any, "v"), (keyed, "k"), (strings, "s"), (HostileLabels(), "h")] {
            let text = Renderer().render(root, label: label).plainText
            #expect(!holdsTerminalControl(text), "\(text.debugDescription)")
        }
        // A description is shown up to its first line break (NEL, U+0085, is one).
        let summary = Renderer().render(Hostile(text: hostileText), label: "d").plainText
        #expect(summary.hasPrefix("d: Hostile = " + escapedText.dropLast(#"\u{85}"#.count) + "…\n"))
        #expect(Renderer().render(hostileText, label: "s").plainText.contains(#"\u{9B}31m\u{9D}0;t\u{7}\u{1B}[2J"#))
    }

    @Test("Errors from a host and from paths are escaped")
    func errors() {
        #expect(!holdsTerminalControl(InspectorError.readFailed(entry: "e", message: hostileText).description))
        let error = PathError.noSuchKey(key: "\u{9B}", at: "a\u{202E}", typeName: "T", offset: 1, suggestions: ["\u{85}"])
        #expect(!holdsTerminalControl(error.description))
    }

    @Test("terminalSafe keeps newlines and tabs, escapes the rest, and changes nothing when applied twice")
    func terminalSafe() {
        #expect(Quoting.terminalSafe("a\tb\nc") == "a\tb\nc")
        #expect(Quoting.terminalSafe(hostileText) == escapedText + #"\r"#)
        #expect(Quoting.terminalSafe(Quoting.terminalSafe(hostileText)) == Quoting.terminalSafe(hostileText))
        #expect(Quoting.terminalSafe("plain ascii é ü 漢字 🙂") == "plain ascii é ü 漢字 🙂")
    }

    @Test("A string key with controls renders escaped and its rendered label leads back to it")
    func keysRoundTrip() throws {
        let key = "k\u{9B}\u{202E}\u{85}"
        let table = [key: 42]
        let label = Reflected.keyLabel(key)
        #expect(!holdsTerminalControl(label))
        let value = try PathResolver.resolve(table, path: InspectorPath(parsing: "t" + label))
        #expect(value as? Int == 42)
        let hostileKeys = [Hostile(text: "h\u{9B}"): 7]
        let hostileLabel = Reflected.keyLabel(Hostile(text: "h\u{9B}"))
        #expect(hostileLabel == #"[h\u{9B}]"#)
        #expect(try PathResolver.resolve(hostileKeys, path: InspectorPath(parsing: "t" + hostileLabel)) as? Int == 7)
    }
}
