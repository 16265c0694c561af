import Manhole

/// The commands the demo adds to its manhole: `pause-jobs`, `resume-jobs` (admin) and `health`
/// (read-only users too).
enum HostCommands {
    /// Adds the commands.
    static func register(on manhole: Manhole, jobs: JobQueue) throws {
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
    }
}

/// A host command's refusal, shown to the user as the error reply.
struct HostCommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
