import ManholeSSH
import Testing

@Suite("Line editor under hostile input")
struct LineEditorHostileTests {
    @Test("Random bytes in random pieces never put a control in the line or a foreign sequence in the output")
    func randomBytes() {
        var random = SplitMix(seed: 5023)
        for round in 0..<40 {
            var editor = TerminalLineEditor(prompt: "$ ", columns: 1 + random.next(30), historyLimit: 4, lineLimit: 64)
            var output = editor.startLine().output
            for _ in 0..<200 {
                var bytes: [UInt8] = []
                for _ in 0..<(1 + random.next(12)) {
                    // Mostly the bytes keys are made of, so that sequences and UTF-8 form often.
                    let pick = random.next(10)
                    bytes.append(pick < 3 ? UInt8(random.next(256)) : pick < 5 ? [0x1B, 0x5B, 0x4F, 0x7E, 0x3B][random.next(5)]
                        : pick < 7 ? UInt8(0x30 + random.next(0x50)) : pick < 8 ? UInt8(random.next(0x20)) : UInt8(0x80 + random.next(0x40)))
                }
                let fed = editor.feed(bytes)
                output += fed.output
                if fed.events.contains(where: { if case .complete = $0 { true } else { false } }) {
                    output += editor.applyCompletion(["a\u{1b}]0;title\u{7}", "a\u{202e}b", "ab"])
                }
                if editor.isSuspended {
                    output += editor.startLine().output
                }
                #expect(editor.line.utf8.count <= 64)
                #expect(editor.cursor >= 0 && editor.cursor <= Array(editor.line).count)
                #expect(!editor.line.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{202e}" })
            }
            #expect(Self.foreignControls(in: output).isEmpty, "round \(round)")
        }
    }

    /// What in `output` the editor does not write itself: a control byte but BEL, CR and LF, or
    /// an escape sequence but the `ESC [ n A/B/C/D/H/J/K` it uses.
    static func foreignControls(in output: [UInt8]) -> [String] {
        var found: [String] = []
        var index = 0
        while index < output.count {
            let byte = output[index]
            if byte == 0x1B {
                var end = index + 1
                guard end < output.count, output[end] == 0x5B else {
                    found.append("ESC not followed by [")
                    index += 1
                    continue
                }
                end += 1
                while end < output.count, (0x30...0x39).contains(output[end]) { end += 1 }
                if end >= output.count || !Array("ABCDHJK".utf8).contains(output[end]) {
                    found.append("sequence ending in \(end < output.count ? output[end] : 0)")
                }
                index = end + 1
            } else {
                if byte < 0x20 && ![0x07, 0x0A, 0x0D].contains(byte) || byte == 0x7F { found.append("control \(byte)") }
                index += 1
            }
        }
        return found
    }
}
