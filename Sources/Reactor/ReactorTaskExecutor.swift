import Dispatch
import NIOCore

/// Runs the jobs of `async` reactor bodies on the reactor's event loop, so that an `async` body
/// passed to `runInReactor` really executes on the reactor thread between its suspension points.
///
/// Once the reactor has stopped and its loop has ended, jobs still arriving (a cancelled task
/// finishing up) run on a global queue instead of being dropped, so no task is left suspended
/// forever; until the loop ends they run on it, as before the stop.
final class ReactorTaskExecutor: TaskExecutor {
    private let gate: LoopGate

    init(gate: LoopGate) {
        self.gate = gate
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = self.asUnownedTaskExecutor()
        // Once the stop closed the gate, a task's jobs still run on the loop while it runs (the
        // stop cancels the task there): a job sent elsewhere would run beside the reactor thread.
        let accepted = gate.executeWhileLoopRuns { job.runSynchronously(on: executor) }
        if !accepted {
            DispatchQueue.global().async { job.runSynchronously(on: executor) }
        }
    }
}
