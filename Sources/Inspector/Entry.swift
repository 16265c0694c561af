import Dispatch
import NIOCore
import Reactor

/// One registered entry: a name, where it is read, and how its value is produced.
struct Entry: Sendable {
    enum Source: Sendable {
        /// A value or object registered once.
        case value(any Sendable)
        /// A closure evaluated at each read, in the entry's context.
        case closure(@Sendable () throws -> Any)
        /// A closure taking its actor `isolated`; runs `body` on the actor's executor with the value.
        case isolated(@Sendable (_ body: @escaping @Sendable (Any) throws -> any Sendable) async throws -> any Sendable)
    }

    let name: String
    let context: ReadContext
    let source: Source

    /// Whether the value is computed at each read (a closure) rather than registered once.
    var isComputed: Bool {
        if case .value = source { return false }
        return true
    }

    /// Runs `body` with the entry's current value in the entry's read context, and delivers its
    /// result on `call`'s delivery loop (the reactor's without one). Never blocks the calling
    /// thread; with `call`, a reactor-context read is handed over as ``Reactor/call(_:_:)`` does.
    func read<R: Sendable>(
        on reactor: Reactor, via call: ReactorCall? = nil, _ body: @escaping @Sendable (Any) throws -> R
    ) -> EventLoopFuture<R> {
        let loop = call?.deliveryLoop ?? reactor.eventLoop
        let name = self.name
        let source = self.source
        let work: @Sendable () throws -> R = { try body(try Self.produce(source, name: name)) }
        switch context {
        case .reactor:
            if let call { return reactor.call(call, work) }
            if loop.inEventLoop { return loop.makeCompletedFuture(withResultOf: work) }
            return loop.submit(work)
        case .anyThread:
            // A future may be made complete from any thread: nothing is scheduled on the loop.
            return loop.makeCompletedFuture(withResultOf: work)
        case .queue(let queue):
            let promise = call?.makePromise(of: R.self) ?? loop.makePromise(of: R.self)
            queue.async { promise.completeWith(Result(catching: work)) }
            return promise.futureResult
        case .actor(let actor):
            let promise = call?.makePromise(of: R.self) ?? loop.makePromise(of: R.self)
            if case .isolated(let run) = source {
                promise.completeWithTask {
                    // `run` returns what `body` returned, boxed; unbox it back to `R`.
                    try await run { value in try body(value) } as! R
                }
            } else {
                promise.completeWithTask { try await Self.run(isolatedTo: actor, work) }
            }
            return promise.futureResult
        }
    }

    private static func produce(_ source: Source, name: String) throws -> Any {
        switch source {
        case .value(let value):
            return value
        case .closure(let closure):
            do {
                return try closure()
            } catch {
                throw InspectorError.readFailed(entry: name, message: String(describing: error))
            }
        case .isolated:
            preconditionFailure("an actor-bound closure entry is read through its actor")
        }
    }

    private static func run<R: Sendable>(isolatedTo actor: isolated any Actor, _ work: @Sendable () throws -> R) throws -> R {
        try work()
    }

    /// Makes the source of an entry whose closure takes its actor `isolated`.
    static func isolatedSource<A: Actor>(_ actor: A, name: String, _ read: @escaping @Sendable (isolated A) throws -> Any)
        -> Source
    {
        .isolated { body in try await runIsolated(actor, name: name, read, body) }
    }

    private static func runIsolated<A: Actor>(
        _ actor: isolated A, name: String, _ read: @Sendable (isolated A) throws -> Any,
        _ body: @Sendable (Any) throws -> any Sendable
    ) throws -> any Sendable {
        let value: Any
        do {
            value = try read(actor)
        } catch {
            throw InspectorError.readFailed(entry: name, message: String(describing: error))
        }
        return try body(value)
    }
}
