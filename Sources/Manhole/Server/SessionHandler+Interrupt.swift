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
        switch text.trimmingCharacters(in: .whitespaces) {
        case "interrupt": return .text
        case "@json interrupt": return .json
        default: return nil
        }
    }

    /// Calls off the running command, ends the session's follows and drops its waiting lines now;
    /// queues the answer, so that replies stay in sequence order (the running command is
    /// answered first: `ERR interrupted…` if it was stopped).
    func interrupt(format: Frame.Format) {
        var parts: [String] = []
        var stoppedCommand: String?
        if busy, let (name, interruption) = running {
            if interruption.interrupt() {
                stoppedCommand = name
                parts.append("stopped the running command '\(name)'")
            } else {
                parts.append("the running command '\(name)' could not be stopped (it runs on the reactor thread); its answer comes first")
            }
        }
        let stopped = environment.watchBoard.session(id, on: environment.eventLoop)?.removeFollows() ?? []
        var dropped = 0
        for index in pendingHead..<pending.count {
            guard case .line(let line) = pending[index] else { continue }
            pending[index] = .interrupted(Self.format(of: line))
            dropped += 1
        }
        if !stopped.isEmpty {
            parts.append("stopped following the log: " + stopped.map(\.text).joined(separator: ", "))
        }
        if dropped > 0 { parts.append("dropped \(dropped) waiting line\(dropped == 1 ? "" : "s")") }
        let text = parts.isEmpty ? "nothing to interrupt\n" : "interrupted: " + parts.joined(separator: "; ") + "\n"
        logger.info("interrupt", metadata: ["stoppedWatches": "\(stopped.map(\.watch))", "droppedLines": "\(dropped)"])
        let answer = InterruptAnswer(
            interrupted: !parts.isEmpty, stoppedCommand: stoppedCommand, stoppedWatches: stopped, droppedLines: dropped)
        pending.append(.interruptAnswer(Reply(text: text, encoding: answer), format))
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

/// The JSON answer to `interrupt`.
private struct InterruptAnswer: Encodable, Sendable {
    var interrupted: Bool
    /// The running command that was called off, if any.
    var stoppedCommand: String?
    var stoppedWatches: [SessionWatches.Removal]
    var droppedLines: Int
}
