import Inspector
public import Manhole

/// The host's in-memory state: what the routes change and the manhole shows.
public struct HostState: Sendable {
    /// The response cache behind `/cache/KEY`.
    public let cache: ResponseCache
    /// The jobs `POST /jobs` hands to the worker.
    public let jobs: JobQueue
    /// The connection-pool stand-in behind `/pool/borrow`.
    public let pool: ConnectionPool
    /// The HTTP requests in flight and answered.
    public let http: RequestStats

    /// Fresh state: a cache of `cacheCapacity` entries, an empty queue, a pool of `poolSize` slots.
    public init(cacheCapacity: Int = 1_000, poolSize: Int = 4) {
        cache = ResponseCache(capacity: cacheCapacity)
        jobs = JobQueue()
        pool = ConnectionPool(size: poolSize)
        http = RequestStats()
    }

    /// Registers the state with `manhole`'s inspector (`inspect cache.hits`, `inspect pool`,
    /// `inspect jobs.pending`, `inspect http.inFlight`) and adds the `flush-cache` command.
    ///
    /// Each entry is a closure that copies a snapshot out under the state's lock, so that the
    /// inspector never walks objects the HTTP threads change. The lock is held only for the
    /// copy, so the entries are read on any thread (`.anyThread`): on the manhole's own thread,
    /// with no hop to the reactor, and they answer while the reactor thread is held.
    public func register(with manhole: Manhole) throws {
        let cache = self.cache, jobs = self.jobs, pool = self.pool, http = self.http
        manhole.inspector.register("cache", readOn: .anyThread) { cache.snapshot() }
        manhole.inspector.register("jobs", readOn: .anyThread) { jobs.snapshot() }
        manhole.inspector.register("pool", readOn: .anyThread) { pool.snapshot() }
        manhole.inspector.register("http", readOn: .anyThread) { http.snapshot() }
        try manhole.addCommand("flush-cache", help: "Drop every entry of the HTTP response cache (its counts stay).") { _ in
            "flushed \(cache.flush()) entries"
        }
    }
}
