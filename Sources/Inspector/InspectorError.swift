import ManholeWire
import Reactor

/// The ways an Inspector call can fail besides a bad path (whose error says where the path went
/// wrong and which names exist there).
public enum InspectorError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The entry's closure threw while it was read.
    case readFailed(entry: String, message: String)
    /// The entry's queue or actor did not run the read within the configured `readTimeout`;
    /// the read still runs when the queue or actor gets to it, and its result is dropped.
    case readTimedOut(entry: String, after: Duration)
    /// The reactor has no tracked (stashed or in-flight) result with this id.
    case noSuchResult(id: Int)

    /// One line for the shell, its terminal controls escaped as in every reply.
    public var description: String {
        Quoting.terminalSafe(message)
    }

    private var message: String {
        switch self {
        case .readFailed(let entry, let message): "reading \(entry) failed: \(message)"
        case .readTimedOut(let entry, let after): "reading \(entry) did not finish within \(DurationFormat.string(after))"
        case .noSuchResult(let id): "no stashed or in-flight result with id \(id)"
        }
    }
}
