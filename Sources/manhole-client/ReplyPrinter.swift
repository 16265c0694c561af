import Foundation
import ManholeWire
/// Shows the server's replies: text as the server aligned it (tables included), errors on
/// standard error with the server's message, colour only where it was asked for; or, with
/// `--json`, one JSON object per reply per line for scripts. Text that comes from the server
/// passes ``TerminalText`` first: only the printer's own colour sequences reach the terminal.
final class ReplyPrinter {
    /// How replies are written.
    enum Mode: Sendable {
        /// Text for people.
        case text
        /// `{"command":…,"ok":…,"reply":…}` lines for programs.
        case jsonLines
    }

    /// ANSI styles (SGR sequences).
    enum Style: String, Sendable {
        case bold = "1"
        case dim = "2"
        case red = "31"
        case yellow = "33"
        case cyan = "36"
    }

    let mode: Mode
    let colorOutput: Bool
    let colorError: Bool
    private let sink: any OutputSink

    /// Creates a printer.
    /// - Parameters:
    ///   - mode: Text or JSON lines.
    ///   - colorOutput: Whether standard output may be coloured.
    ///   - colorError: Whether standard error may be coloured.
    ///   - sink: Where the text goes.
    init(mode: Mode, colorOutput: Bool, colorError: Bool, sink: any OutputSink) {
        self.mode = mode
        self.colorOutput = colorOutput
        self.colorError = colorError
        self.sink = sink
    }

    /// Wraps `text` in a style when `enabled`.
    static func styled(_ text: String, _ style: Style, enabled: Bool) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// Prints the reply to `command`: `ok` tells success (`OK`) from failure (`ERR`).
    func reply(to command: String, ok: Bool, payload: String, isJSON: Bool) {
        switch mode {
        case .jsonLines:
            sink.output(Self.jsonLine(command: command, ok: ok, payload: payload, isJSON: isJSON) + "\n")
        case .text:
            if ok {
                let text = TerminalText.visible(payload)
                sink.output(styledTable(text.isEmpty || text.hasSuffix("\n") ? text : text + "\n"))
            } else {
                var message = TerminalText.visible(payload)
                while message.hasSuffix("\n") { message.removeLast() }
                sink.error(Self.styled("error:", .red, enabled: colorError) + " " + message + "\n")
            }
        }
    }

    /// A `NOTICE` frame (a watch's report), on standard output between replies: `notice: TEXT`
    /// with the prefix in cyan on a terminal; with `--json`, `{"notice":true,"payload":…}`.
    func notice(_ frame: Frame) {
        switch mode {
        case .jsonLines:
            let value = Self.jsonValue(payload: frame.payload, isJSON: frame.format == .json)
            sink.output(TerminalText.jsonLine("{\"notice\":true,\"payload\":\(value)}") + "\n")
        case .text:
            var text = TerminalText.visible(frame.payload)
            while text.hasSuffix("\n") { text.removeLast() }
            sink.output(Self.styled("notice:", .cyan, enabled: colorOutput) + " " + text + "\n")
        }
    }

    /// A notice for the user on standard error (`manhole-client: …`), such as a failed login or
    /// a lost connection.
    func problem(_ message: String) {
        sink.error(Self.styled("manhole-client:", .bold, enabled: colorError) + " " + TerminalText.visible(message) + "\n")
    }

    /// A line of information for the interactive user, dimmed on a terminal.
    func info(_ message: String) {
        sink.output(Self.styled(TerminalText.visible(message), .dim, enabled: colorOutput) + "\n")
    }

    /// Plain text to standard output (completion lists, a newline after Ctrl-D).
    func raw(_ text: String) { sink.output(TerminalText.visible(text)) }

    /// The reply text with a table's heading in bold, when colour is on: a first line that
    /// ``looksLikeHeading(_:)``, followed by at least one row.
    func styledTable(_ text: String) -> String {
        guard colorOutput, let newline = text.firstIndex(of: "\n"), text.index(after: newline) < text.endIndex else {
            return text
        }
        let heading = text[..<newline]
        guard Self.looksLikeHeading(heading) else { return text }
        return Self.styled(String(heading), .bold, enabled: true) + text[newline...]
    }

    /// Whether a line looks like the heading of an aligned table: words in one case (`ID  NAME
    /// DUE IN` or `id  user  role`) separated by runs of at least two spaces.
    static func looksLikeHeading(_ line: Substring) -> Bool {
        guard line.contains("  "), !line.hasPrefix(" "), line.contains(where: \.isLetter) else { return false }
        let allowed: (Character) -> Bool = { $0 == " " || $0 == "-" }
        return line.allSatisfy { allowed($0) || ($0.isLetter && $0.isUppercase) }
            || line.allSatisfy { allowed($0) || ($0.isLetter && $0.isLowercase) }
    }

    /// One JSON object for a reply: `{"command":"ls","ok":true,"reply":<payload>}`. A JSON
    /// payload is embedded on one line; a text payload (a line the server refused before
    /// parsing), or one that claims to be JSON but is not, becomes `{"text":…}`; an empty one
    /// `null`. Control, C1 and bidi characters anywhere in the line are written `\uXXXX`
    /// (``TerminalText/jsonLine(_:)``), so the line is always valid JSON and safe on a terminal.
    static func jsonLine(command: String, ok: Bool, payload: String, isJSON: Bool) -> String {
        TerminalText.jsonLine(
            "{\"command\":\(jsonString(command)),\"ok\":\(ok),\"reply\":\(jsonValue(payload: payload, isJSON: isJSON))}")
    }

    /// A payload as one JSON value: embedded if it is JSON, `{"text":…}` if not, `null` if empty.
    static func jsonValue(payload: String, isJSON: Bool) -> String {
        let reply: String
        let trimmed = payload.trimmingWhitespace
        let json = isJSON ? TerminalText.jsonLine(trimmed) : ""
        if trimmed.isEmpty {
            reply = "null"
        } else if isJSON, (try? JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)) != nil {
            reply = json
        } else {
            reply = "{\"text\":\(jsonString(payload))}"
        }
        return reply
    }

    /// `text` as a JSON string literal (Foundation's encoder does the escaping).
    static func jsonString(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(text) else { return "\"\"" }
        return String(decoding: data, as: UTF8.self)
    }
}
