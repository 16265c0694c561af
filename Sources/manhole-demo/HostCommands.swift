import Foundation
import Manhole
import Reactor

/// The commands the demo adds to its manhole: `pause-jobs`, `resume-jobs`, `stall` (admin) and
/// `health` (read-only users too).
enum HostCommands {
    /// Adds the commands; `stall` blocks `reactor`.
    static func register(on manhole: Manhole, jobs: JobQueue, reactor: Reactor) throws {
        try manhole.addCommand(
            "pause-jobs", usage: "pause-jobs [SECONDS]", help: "Pause the main thread's job loop (for SECONDS, or until resume-jobs)."
        ) { invocation in
            var duration: Duration?
            if let text = invocation.arguments.first {
                guard let seconds = Int(text), seconds > 0, seconds <= 86_400 else {
                    throw HostCommandError("pause-jobs: SECONDS must be a whole number from 1 to 86400")
                }
                duration = .seconds(seconds)
            }
            jobs.pause(for: duration)
            return duration.map { "jobs paused for \($0)" } ?? "jobs paused until resume-jobs"
        }
        try manhole.addCommand("resume-jobs", help: "Resume the job loop.") { _ in
            jobs.resume() ? "jobs resumed" : "jobs were not paused"
        }
        try manhole.addCommand("health", help: "One line: is the service healthy?", readOnly: true) { _ in
            let snapshot = jobs.snapshot()
            let state = snapshot.paused ? "paused" : "running"
            return "ok: jobs \(state), \(snapshot.processed) processed, \(snapshot.failed) failed"
        }
        try manhole.addCommand(
            "stall", usage: "stall SECONDS",
            help: "Submit a body that blocks the reactor thread for SECONDS (1-10), as a buggy host would: then run `loop`."
        ) { invocation in
            guard invocation.arguments.count == 1, let seconds = Int(invocation.arguments[0]), (1...10).contains(seconds) else {
                throw HostCommandError("stall: SECONDS must be a whole number from 1 to 10")
            }
            // Deliberately blocking: this is the incident the manhole's own thread is there for.
            // A `runInReactor` body, which the Reactor records with this call site (`loop` names
            // it); the command itself answers at once.
            _ = reactor.runInReactor { usleep(UInt32(seconds) * 1_000_000) }
            return "submitted a body that blocks the reactor thread for \(seconds)s: run `loop`"
        }
    }
}

/// A host command's refusal, shown to the user as the error reply.
struct HostCommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
