import Logging
import Metrics
import Reactor

/// The main thread's blocking work: takes items, works on each (blocking, like a real
/// synchronous library call), and reports each to the reactor with `waitFor`, until a stop is
/// requested. Pausing (`pause-jobs`) makes it wait instead.
struct JobLoop {
    let reactor: Reactor
    let jobs: JobQueue
    let metrics: Metrics
    let stop: StopSignal
    let logger: Logger

    /// Runs until a stop is requested or the reactor stops.
    func run() {
        // swift-metrics, as a host records them: the manhole's `metrics` command shows them.
        let done = Counter(label: "demo.jobs", dimensions: [("outcome", "done")])
        let failures = Counter(label: "demo.jobs", dimensions: [("outcome", "failed")])
        let duration = Timer(label: "demo.job.duration")
        let customers = ["acme", "globex", "initech", "umbrella", "hooli", "stark"]
        while !stop.isRequested {
            if jobs.isPaused {
                _ = stop.wait(.milliseconds(100))
                continue
            }
            let id = jobs.take()
            let started = ContinuousClock.now
            let workTime = Duration.milliseconds(150 + (id * 53) % 250)
            if stop.wait(workTime) { break }  // the blocking work, cut short by a stop
            let amount = 500 + (id * 7_919) % 20_000
            let failed = id % 11 == 0
            do {
                // A blocking call into the reactor: the metrics live with the reactor's work.
                try reactor.waitFor(timeout: .seconds(2)) { metrics.record(amountCents: amount) }
            } catch {
                logger.warning("cannot report a job to the reactor", metadata: ["error": "\(error)"])
                if reactor.isStopped { return }
            }
            let elapsed = ContinuousClock.now - started
            let job = JobQueue.Job(
                id: id, customer: customers[id % customers.count], amountCents: amount,
                outcome: failed ? "failed: \(DemoError.badItem(id))" : "done",
                milliseconds: Int(elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000))
            jobs.finish(job, failed: failed)
            (failed ? failures : done).increment()
            duration.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
            logger.debug("job done", metadata: ["id": "\(id)", "failed": "\(failed)"])
        }
    }
}
