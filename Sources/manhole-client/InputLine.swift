/// What a line of input (from `-c`, a script, a pipe or the prompt) means to the client.
enum InputLine: Equatable, Sendable {
    /// Nothing to send: blank, or a `#` comment.
    case skip
    /// A command to send to the server, trimmed.
    case command(String)

    /// Classifies one raw line: surrounding whitespace (and a `\r` from a Windows file) is
    /// removed, blank lines and lines starting with `#` are skipped.
    init(_ raw: some StringProtocol) {
        let trimmed = raw.trimmingWhitespace
        if trimmed.isEmpty || trimmed.hasPrefix("#") {
            self = .skip
        } else {
            self = .command(trimmed)
        }
    }

    /// Whether `command` ends the session when it succeeds (`quit` or its alias `exit`, also
    /// in the `@json` form).
    static func isQuit(_ command: String) -> Bool {
        var text = Substring(command)
        if text.hasPrefix("@json ") { text = text.dropFirst(6) }
        let name = text.split(separator: " ", maxSplits: 1).first ?? ""
        return name == "quit" || name == "exit"
    }

    /// Whether `line` starts a follow (`log … --follow`): its notices stream until Ctrl-C.
    static func isFollow(_ line: String) -> Bool {
        var words = line.split(separator: " ")
        if words.first == "@json" { words.removeFirst() }
        return words.first == "log" && words.contains("--follow")
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace and newlines.
    var trimmingWhitespace: String {
        let string = String(self)
        let scalars = string.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
