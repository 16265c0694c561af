import Dispatch
import NIOCore

/// Runs the jobs of `async` reactor bodies on the reactor's event loop, so that an `async` body
/// passed to `runInReactor` really executes on the reactor thread between its suspension points.
///
/// Once the reactor has stopped, jobs still arriving (a cancelled task finishing up) run on a
/// global queue instead of being dropped, so no task is left suspended forever.
final class ReactorTaskExecutor: TaskExecutor {
    private let gate: LoopGate

    init(gate: LoopGate) {
        self.gate = gate
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = self.asUnownedTaskExecutor()
        let accepted = gate.execute { job.runSynchronously(on: executor) }
        if !accepted {
            DispatchQueue.global().async { job.runSynchronously(on: executor) }
        }
    }
}
