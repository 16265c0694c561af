public import ServiceLifecycle

/// The task that drains the ``JobQueue``: wakes when jobs arrive, works each for `workTime`, and
/// on graceful shutdown finishes the jobs already queued before it returns.
public struct JobWorker: Service {
    private let queue: JobQueue
    private let workTime: Duration

    /// A worker for `queue` that spends `workTime` on each job (a stand-in for real work).
    public init(queue: JobQueue, workTime: Duration = .milliseconds(2)) {
        self.queue = queue
        self.workTime = workTime
    }

    /// Works until graceful shutdown, then drains what is left.
    public func run() async throws {
        let queue = self.queue
        await withGracefulShutdownHandler {
            for await _ in queue.signals {
                await drain()
            }
            await drain()
        } onGracefulShutdown: {
            queue.finish()
        }
    }

    private func drain() async {
        for _ in queue.takeAll() {
            // Not cancellable on purpose: a job taken is finished, even while shutting down.
            try? await Task.sleep(for: workTime)
            queue.markProcessed()
        }
    }
}
