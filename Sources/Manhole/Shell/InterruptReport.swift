import Logging
import NIOCore
import Reactor

/// What an interrupt did (docs/protocol.md "Interrupt"), for every transport: it calls off the
/// running command and ends the session's log follows when it is made; the transport then drops
/// its waiting lines and counts them in ``droppedLines``; ``reply`` is the answer, text and JSON.
struct InterruptReport: Sendable {
    /// The running command that was called off, if any.
    var stoppedCommand: String?
    /// The running command that could not be stopped (synchronous work on the reactor thread).
    var unstoppableCommand: String?
    var stoppedWatches: [SessionWatches.Removal]
    var droppedLines = 0

    /// Calls off `running` (the command running, if any) and ends the follows of session `id`.
    init(running: (name: String, interruption: CallInterruption)?, session id: Int, environment: ShellEnvironment) {
        if let (name, interruption) = running {
            if interruption.interrupt() { stoppedCommand = name } else { unstoppableCommand = name }
        }
        stoppedWatches = environment.watchBoard.session(id, on: environment.eventLoop)?.removeFollows() ?? []
    }

    var interrupted: Bool { stoppedCommand != nil || unstoppableCommand != nil || !stoppedWatches.isEmpty || droppedLines > 0 }

    /// `interrupted: …; …`, or `nothing to interrupt`.
    var text: String {
        var parts: [String] = []
        if let stoppedCommand { parts.append("stopped the running command '\(stoppedCommand)'") }
        if let unstoppableCommand {
            parts.append("the running command '\(unstoppableCommand)' could not be stopped (it runs on the reactor thread); its answer comes first")
        }
        if !stoppedWatches.isEmpty { parts.append("stopped following the log: " + stoppedWatches.map(\.text).joined(separator: ", ")) }
        if droppedLines > 0 { parts.append("dropped \(droppedLines) waiting line\(droppedLines == 1 ? "" : "s")") }
        return parts.isEmpty ? "nothing to interrupt\n" : "interrupted: " + parts.joined(separator: "; ") + "\n"
    }

    /// The answer: the text, or `{"interrupted":…,"stoppedCommand":…,"stoppedWatches":[…],"droppedLines":…}`.
    var reply: Reply { Reply(text: text, encoding: Answer(self)) }

    /// Logs the interrupt.
    func log(to logger: Logger) {
        logger.info("interrupt", metadata: [
            "stoppedCommand": "\(stoppedCommand ?? "-")", "stoppedWatches": "\(stoppedWatches.map(\.watch))", "droppedLines": "\(droppedLines)",
        ])
    }

    private struct Answer: Encodable, Sendable {
        var interrupted: Bool
        var stoppedCommand: String?
        var stoppedWatches: [SessionWatches.Removal]
        var droppedLines: Int

        init(_ report: InterruptReport) {
            interrupted = report.interrupted
            stoppedCommand = report.stoppedCommand
            stoppedWatches = report.stoppedWatches
            droppedLines = report.droppedLines
        }
    }
}
