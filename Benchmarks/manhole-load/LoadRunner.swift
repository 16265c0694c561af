import BenchmarkSupport
import Foundation
import Manhole
import ManholeClient
import ManholeWire
import NIOConcurrencyHelpers

/// How much load: sessions, and commands per session or a duration, always under a time cap.
struct LoadPlan {
    var sessions: Int
    /// Commands per session; `nil` runs until `duration`.
    var commandsPerSession: Int?
    /// How long to run when there is no command count (soak).
    var duration: Duration?
    /// The run stops here whatever else is asked (a bound, so a run always ends).
    var timeLimit: Duration
}

/// What a run measured.
struct LoadReport {
    var commands = Samples()
    var logins = Samples()
    var errors = 0
    var errorExamples: [String] = []
    var expected: Int?
    var hitTimeLimit = false

    mutating func fail(_ message: String) {
        errors += 1
        if errorExamples.count < 5 { errorExamples.append(message) }
    }

    mutating func merge(_ other: LoadReport) {
        commands.append(contentsOf: other.commands)
        logins.append(contentsOf: other.logins)
        errors += other.errors
        errorExamples.append(contentsOf: other.errorExamples.prefix(5 - min(5, errorExamples.count)))
        hitTimeLimit = hitTimeLimit || other.hitTimeLimit
    }
}

/// Runs a plan: one thread and one connection per session, each sending its next command once
/// the previous reply is verified. Counts every failure (bad reply, lost connection) and goes on
/// with a new connection.
struct LoadRunner: Sendable {
    let endpoint: ServerEndpoint
    let workload: Workload
    /// Commands done by all sessions so far, for progress sampling.
    let progress = NIOLockedValueBox(0)

    /// Connects and logs in every session (in parallel), then runs them; returns the merged report.
    /// `onStart` runs once every session is logged in, `onEnd` once all have finished, before
    /// they disconnect: the window in which the load ran.
    func run(_ plan: LoadPlan, onStart: () -> Void = {}, onEnd: () -> Void = {}) -> LoadReport {
        let sessions = (0..<plan.sessions).map { LoadSession(index: $0, endpoint: endpoint, workload: workload) }
        let connected = NIOLockedValueBox(LoadReport())
        concurrently(sessions) { session in
            var report = LoadReport()
            session.connect(into: &report)
            connected.withLockedValue { $0.merge(report) }
        }
        onStart()
        let start = ContinuousClock.now
        let deadline = start + min(plan.duration ?? plan.timeLimit, plan.timeLimit)
        let merged = NIOLockedValueBox(connected.withLockedValue { $0 })
        let started = now()
        concurrently(sessions) { session in
            let report = session.run(count: plan.commandsPerSession, until: deadline, progress: progress)
            merged.withLockedValue { $0.merge(report) }
        }
        var report = merged.withLockedValue { $0 }
        report.commands.wallNanoseconds = now() - started
        onEnd()
        if let count = plan.commandsPerSession {
            report.expected = count * plan.sessions
            if report.commands.count + report.errors < count * plan.sessions { report.hitTimeLimit = true }
        }
        for session in sessions { session.close() }
        return report
    }

    /// Runs `body` for every element on its own thread and waits for all of them.
    private func concurrently(_ sessions: [LoadSession], _ body: @escaping @Sendable (LoadSession) -> Void) {
        let group = DispatchGroup()
        for session in sessions {
            group.enter()
            let handoff = Handoff(session)
            Thread.detachNewThread {
                body(handoff.value)
                group.leave()
            }
        }
        group.wait()
    }
}

/// One session of a load run: its connection, used by one thread at a time.
final class LoadSession: @unchecked Sendable {
    let index: Int
    let endpoint: ServerEndpoint
    let workload: Workload
    private var connection: ManholeConnection?
    private var lastSequence: Int?

    init(index: Int, endpoint: ServerEndpoint, workload: Workload) {
        self.index = index
        self.endpoint = endpoint
        self.workload = workload
    }

    /// Connects and logs in; a failure is counted in `report`.
    func connect(into report: inout LoadReport) {
        do {
            let fresh = try ManholeConnection(host: endpoint.host, port: endpoint.port, timeout: .seconds(30))
            let elapsed = try time { try fresh.login(user: endpoint.user, password: endpoint.password) }
            report.logins.append(elapsed)
            connection = fresh
            lastSequence = nil
        } catch {
            report.fail("session \(index): cannot log in: \(error)")
            connection = nil
        }
    }

    /// Runs `count` commands (or until `deadline`), verifying each reply.
    func run(count: Int?, until deadline: ContinuousClock.Instant, progress: NIOLockedValueBox<Int>) -> LoadReport {
        var report = LoadReport()
        report.commands = Samples(capacity: count ?? 100_000)
        var step = 0
        var sinceProgress = 0
        while count.map({ step < $0 }) ?? true {
            if step % 64 == 0, ContinuousClock.now >= deadline {
                if count != nil { report.hitTimeLimit = true }
                break
            }
            defer {
                step += 1
                sinceProgress += 1
                if sinceProgress == 100 {
                    progress.withLockedValue { $0 += sinceProgress }
                    sinceProgress = 0
                }
            }
            guard let connection else {
                connect(into: &report)
                continue
            }
            let (line, check) = workload.command(session: index, step: step, user: endpoint.user)
            do {
                let began = now()
                let frame = try connection.run(line)
                let elapsed = now() - began
                let outOfOrder = sequenceProblem(frame)
                if let problem = outOfOrder ?? check(frame) {
                    report.fail("session \(index) '\(line)': \(problem)")
                } else {
                    report.commands.append(elapsed)
                }
            } catch {
                report.fail("session \(index) '\(line)': \(error)")
                connection.close()
                self.connection = nil
            }
        }
        progress.withLockedValue { $0 += sinceProgress }
        return report
    }

    /// Replies come in order: each one's sequence number is one more than the last.
    private func sequenceProblem(_ frame: Frame) -> String? {
        defer { lastSequence = frame.sequence }
        guard let last = lastSequence, frame.sequence != last + 1 else { return nil }
        return "reply sequence \(frame.sequence) after \(last)"
    }

    func close() { connection?.close() }
}
