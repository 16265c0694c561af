import ManholeWire
import NIOCore

/// The interrupt request (docs/protocol.md): the line `interrupt` acts as soon as it is read,
/// ahead of the lines still waiting, and is answered in its turn.
extension SessionHandler {
    /// A line waiting its turn: one read, one an interrupt dropped, or an interrupt's answer.
    enum Queued {
        case line(InboundLine)
        /// A line an interrupt dropped: answered `ERR … interrupted` in its turn.
        case interrupted(Frame.Format)
        /// The interrupt's own answer, made when it acted.
        case interruptAnswer(Reply, Frame.Format)
    }

    /// The format of an interrupt request (`interrupt` or `@json interrupt`), or `nil` for any
    /// other line.
    static func interruptFormat(_ line: InboundLine) -> Frame.Format? {
        guard case .line(let text) = line else { return nil }
        // Every line comes through here: trimmed without Foundation's CharacterSet, which
        // cost a few microseconds a line.
        let blank = { (character: Character) in character.isWhitespace && !character.isNewline }
        var trimmed = text[...]
        while let first = trimmed.first, blank(first) { trimmed.removeFirst() }
        while let last = trimmed.last, blank(last) { trimmed.removeLast() }
        switch trimmed {
        case "interrupt": return .text
        case "@json interrupt": return .json
        default: return nil
        }
    }

    /// Calls off the running command, ends the session's follows and drops its waiting lines now;
    /// queues the answer, so that replies stay in sequence order (the running command is
    /// answered first: `ERR interrupted…` if it was stopped).
    func interrupt(format: Frame.Format) {
        var report = InterruptReport(running: busy ? running : nil, session: id, environment: environment)
        for index in pendingHead..<pending.count {
            guard case .line(let line) = pending[index] else { continue }
            pending[index] = .interrupted(Self.format(of: line))
            report.droppedLines += 1
        }
        report.log(to: logger)
        pending.append(.interruptAnswer(report.reply, format))
    }

    /// Writes the interrupt's answer with the sequence number of its line.
    func sayInterruptAnswer(_ reply: Reply, format: Frame.Format) {
        say(Frame(.ok, sequence: sequence, format: format, payload: format == .json ? reply.json : reply.text))
        resetIdleTimer()
    }

    /// A dropped line's format, so its `ERR` is in the format it asked for.
    private static func format(of line: InboundLine) -> Frame.Format {
        guard case .line(let text) = line, text.hasPrefix("@json ") || text == "@json" else { return .text }
        return .json
    }
}
