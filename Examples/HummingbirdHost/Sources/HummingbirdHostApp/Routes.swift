public import Hummingbird

/// The example's HTTP routes over its state:
///
/// - `GET /health`: `ok`.
/// - `GET /cache/KEY`: the cached value (a hit), or 404 (a miss).
/// - `PUT /cache/KEY`: stores the body (at most 64 KiB) under KEY; 204.
/// - `POST /jobs`: enqueues the body as a job for the worker; 202 with the job's number.
/// - `GET /pool/borrow?ms=N`: holds a pool slot for N milliseconds (5 by default, 0-1000).
/// - `GET /slow?ms=N`: answers after N milliseconds (300 by default, 0-10000): a request that
///   is still in flight when the server shuts down.
public enum Routes {
    /// The most bytes a cached value or a job may have.
    public static let maximumBodyBytes = 64 * 1024

    /// A router with every route, over `state`.
    public static func router(for state: HostState) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RequestStatsMiddleware(stats: state.http))
        // Requests counted and timed through swift-metrics: what the manhole's `metrics` shows
        // when the host bootstraps a MetricsRecorder (hummingbird-host does).
        router.add(middleware: MetricsMiddleware())
        router.get("health") { _, _ in "ok\n" }
        router.get("cache/:key") { _, context -> String in
            let key = try context.parameters.require("key")
            guard let value = state.cache.value(for: key) else {
                throw HTTPError(.notFound, message: "no entry for \(key)")
            }
            return value
        }
        router.put("cache/:key") { request, context -> HTTPResponse.Status in
            let key = try context.parameters.require("key")
            let body = try await request.body.collect(upTo: maximumBodyBytes)
            state.cache.store(String(buffer: body), for: key)
            return .noContent
        }
        router.post("jobs") { request, _ -> EditedResponse<String> in
            let body = try await request.body.collect(upTo: maximumBodyBytes)
            let id = state.jobs.enqueue(String(buffer: body))
            return EditedResponse(status: .accepted, response: "job \(id)\n")
        }
        router.get("pool/borrow") { request, _ -> String in
            let milliseconds = try milliseconds(in: request, default: 5, maximum: 1_000)
            return try await state.pool.withSlot { slot in
                try await Task.sleep(for: .milliseconds(milliseconds))
                return "slot \(slot) held \(milliseconds) ms\n"
            }
        }
        router.get("slow") { request, _ -> String in
            let milliseconds = try milliseconds(in: request, default: 300, maximum: 10_000)
            // Not cancelled by a graceful shutdown: the point of the route is a request that
            // the server drains rather than drops.
            try await Task.sleep(for: .milliseconds(milliseconds))
            return "slept \(milliseconds) ms\n"
        }
        return router
    }

    /// The `ms` query parameter, checked: a bad value is a 400 that says what is allowed.
    private static func milliseconds(in request: Request, default value: Int, maximum: Int) throws -> Int {
        guard let text = request.uri.queryParameters.get("ms") else { return value }
        guard let milliseconds = Int(text), (0...maximum).contains(milliseconds) else {
            throw HTTPError(.badRequest, message: "ms must be a whole number from 0 to \(maximum)")
        }
        return milliseconds
    }
}
