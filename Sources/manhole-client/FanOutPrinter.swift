/// Prints a fan-out's outcomes, target after target in the order they were given. Text: every
/// line of every reply and error starts with `HOST:PORT: ` (the prefix coloured only on a
/// terminal); a target that could not be used, or stopped answering, ends with
/// `HOST:PORT: error: <reason>` on standard error. JSON: the usual one object per reply, each
/// with a `"target"` field first, and `{"target":…,"ok":false,"error":…}` for such a target.
struct FanOutPrinter {
    /// Text or JSON lines.
    let mode: ReplyPrinter.Mode
    /// Whether standard output may be coloured.
    let colorOutput: Bool
    /// Whether standard error may be coloured.
    let colorError: Bool
    /// Where the text goes.
    let sink: any OutputSink

    /// Prints every outcome and returns the worst exit status among them.
    func print(_ outcomes: [TargetOutcome]) -> ClientExitStatus {
        outcomes.forEach(print)
        return outcomes.map(\.status).max() ?? .success
    }

    /// Prints one target's replies, then its failure if it has one.
    func print(_ outcome: TargetOutcome) {
        let name = TerminalText.visible(outcome.target.description)
        for entry in outcome.entries {
            if mode == .jsonLines, !entry.isError {
                sink.output(Self.withTarget(name, jsonLines: entry.text))
            } else if entry.isError {
                sink.error(Self.prefixed(entry.text, with: prefix(name, color: colorError)))
            } else {
                sink.output(Self.prefixed(entry.text, with: prefix(name, color: colorOutput)))
            }
        }
        guard let failure = outcome.failure else { return }
        switch mode {
        case .jsonLines:
            sink.output(Self.failureObject(target: name, reason: failure) + "\n")
        case .text:
            sink.error(
                prefix(name, color: colorError) + ReplyPrinter.styled("error:", .red, enabled: colorError) + " "
                    + TerminalText.visible(failure) + "\n")
        }
    }

    /// `HOST:PORT: `, the name in cyan when `color`.
    private func prefix(_ name: String, color: Bool) -> String {
        ReplyPrinter.styled(name + ":", .cyan, enabled: color) + " "
    }

    /// `text` with `prefix` before each of its lines (blank ones too); the text's final newline
    /// does not start another line, and a last line without one gets one.
    static func prefixed(_ text: String, with prefix: String) -> String {
        lines(of: text).map { prefix + $0 + "\n" }.joined()
    }

    /// Each JSON object line of `text` with `"target":NAME` as its first field; a line that is
    /// not an object (never written by ``ReplyPrinter``) is left as it is.
    static func withTarget(_ name: String, jsonLines text: String) -> String {
        let field = "{\"target\":\(ReplyPrinter.jsonString(name)),"
        return lines(of: text).map { line in
            (line.hasPrefix("{") && !line.hasPrefix("{}") ? field + line.dropFirst() : line) + "\n"
        }.joined()
    }

    /// The lines of `text`, blank ones too; its final newline does not start another line.
    private static func lines(of text: String) -> [Substring] {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// `{"target":…,"ok":false,"error":…}`, on one line and safe for a terminal.
    static func failureObject(target: String, reason: String) -> String {
        TerminalText.jsonLine(
            "{\"target\":\(ReplyPrinter.jsonString(target)),\"ok\":false,\"error\":\(ReplyPrinter.jsonString(reason))}")
    }
}
