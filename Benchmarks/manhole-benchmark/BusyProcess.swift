import Foundation
import ManholeTesting

/// A process spinning on one core for as long as it lives: `--busy` keeps one running through
/// every section, so each figure can be taken with one busy core beside the idle run (the same
/// contention as `scripts/compare.sh --busy`). A process, not a thread: a thread in this process
/// would count as the host's work for the manholes that run here.
final class BusyProcess: Sendable {
    private let child: ChildProcess

    init() throws {
        child = try ChildProcess.launch(URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "while :; do :; done"])
    }

    /// Ends the spinning process.
    func stop() { child.kill() }
}
