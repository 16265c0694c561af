public import Hummingbird
import Synchronization

/// Counts the HTTP requests: how many are in flight now and how many have finished, by status
/// class. `inspect http.inFlight` shows what a graceful shutdown is still draining.
public final class RequestStats: Sendable {
    /// What `inspect http` shows.
    public struct Snapshot: Sendable {
        /// Requests being handled now.
        public var inFlight: Int
        /// Requests answered since the start.
        public var finished: Int
        /// Of those, answered with a 4xx or 5xx status (or an error).
        public var failed: Int
    }

    private let state = Mutex(Snapshot(inFlight: 0, finished: 0, failed: 0))

    /// Creates counts of zero.
    public init() {}

    func begin() {
        state.withLock { $0.inFlight += 1 }
    }

    func end(failed: Bool) {
        state.withLock { state in
            state.inFlight -= 1
            state.finished += 1
            if failed { state.failed += 1 }
        }
    }

    /// The counts now.
    public func snapshot() -> Snapshot {
        state.withLock { $0 }
    }
}

/// The middleware that keeps ``RequestStats``: every request passes through it.
public struct RequestStatsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let stats: RequestStats

    /// Counts into `stats`.
    public init(stats: RequestStats) {
        self.stats = stats
    }

    /// Counts the request in flight while the next responder handles it.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        stats.begin()
        do {
            let response = try await next(request, context)
            stats.end(failed: response.status.code >= 400)
            return response
        } catch {
            stats.end(failed: true)
            throw error
        }
    }
}
