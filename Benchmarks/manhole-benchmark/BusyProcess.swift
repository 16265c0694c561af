import Foundation
import ManholeTesting

/// A process spinning on one core for as long as it lives: `--busy` keeps one running through
/// every section, so each figure can be taken with one busy core beside the idle run (the same
/// contention as `scripts/compare.sh --busy`). A process, not a thread: a thread in this process
/// would count as the host's work for the manholes that run here.
final class BusyProcess: Sendable {
    private let child: ChildProcess

    /// Starts it. It spins in shell arithmetic and, between rounds of 100,000 steps (about
    /// 0.1 s), checks that this process still lives: killed or crashed, the benchmark leaves no
    /// spinner behind for long.
    init() throws {
        let script = "while kill -0 \(getpid()) 2>/dev/null; do i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; done"
        child = try ChildProcess.launch(URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", script])
    }

    /// Ends the spinning process.
    func stop() { child.kill() }
}
