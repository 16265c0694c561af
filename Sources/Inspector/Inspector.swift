import NIOConcurrencyHelpers
public import Logging
public import NIOCore
public import Reactor
import Synchronization

/// Live values of a running process, for an operator's shell: a registry of named entries, and
/// bounded renderings, paths and completions over them.
///
/// The host registers entries (``register(_:_:readOn:)``, ``register(_:readOn:_:)``,
/// ``register(_:actor:)``, ``register(_:on:_:)``) and says where each is read (``ReadContext``:
/// the reactor thread by default, a `DispatchQueue`, an actor, or any thread for an entry that
/// guards itself). The shell then calls
/// ``inspect(_:options:)-(_,_)->EventLoopFuture<Rendering>`` (and lists and completes, which
/// only the manhole uses), which returns at once with a future on the reactor's loop (`async`
/// code awaits the overload of the same name): the read, the path resolution and the rendering
/// run in the entry's context, inline when that is the reactor thread and the caller is already
/// on it, and only a `Sendable` ``Rendering`` comes back. Nothing here blocks the reactor thread
/// for longer than an entry's own read.
///
/// All methods are safe to call from any thread.
public final class Inspector: Sendable {
    /// How an inspector behaves, written in one initializer; every field has a default.
    public struct Configuration: Sendable {
        /// Where the inspector logs (failed and timed-out reads). Defaults to `manhole.inspector`.
        package var logger: Logger
        /// The budgets used when a call passes no ``RenderOptions`` of its own.
        package var renderOptions: RenderOptions
        /// How long a read on a queue or an actor may take before the call fails with
        /// ``InspectorError/readTimedOut(entry:after:)``. Default 5 s.
        package var readTimeout: Duration
        /// The most candidates ``Inspector/complete(_:)`` returns. Default 100.
        package var maxCompletions: Int
        /// Collections with at most this many elements get their indexes as completions. Default 20.
        package var maxIndexCompletions: Int
        /// The most names or keys completion looks at in one value. Default 10,000.
        package var completionScanLimit: Int

        /// Creates a configuration.
        /// - Parameters:
        ///   - logger: The inspector's logger.
        ///   - renderOptions: The default rendering budgets.
        ///   - readTimeout: The bound on a read on a queue or actor.
        ///   - maxCompletions: The most completion candidates returned.
        ///   - maxIndexCompletions: The largest collection whose indexes are offered.
        ///   - completionScanLimit: The most names or keys scanned for completion.
        public init(
            logger: Logger = Logger(label: "manhole.inspector"),
            renderOptions: RenderOptions = RenderOptions(),
            readTimeout: Duration = .seconds(5),
            maxCompletions: Int = 100,
            maxIndexCompletions: Int = 20,
            completionScanLimit: Int = 10_000
        ) {
            self.logger = logger
            self.renderOptions = renderOptions
            self.readTimeout = readTimeout
            self.maxCompletions = max(0, maxCompletions)
            self.maxIndexCompletions = max(0, maxIndexCompletions)
            self.completionScanLimit = max(0, completionScanLimit)
        }
    }

    /// The reactor whose loop runs the reads of its entries and delivers every result.
    package let reactor: Reactor
    /// The inspector's configuration.
    package let configuration: Configuration
    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    /// Creates an inspector with no entries.
    /// - Parameters:
    ///   - reactor: The reactor whose loop runs reads and delivers results.
    ///   - configuration: Budgets, timeouts and the logger.
    public init(reactor: Reactor, configuration: Configuration = Configuration()) {
        self.reactor = reactor
        self.configuration = configuration
    }

    var logger: Logger { configuration.logger }

    // MARK: - Registry

    /// Registers a value or object under `name`, replacing any entry of that name.
    ///
    /// The value is read (rendered, walked by paths) in `context`; for a class instance that is
    /// the thread or queue guarding its state.
    /// - Parameters:
    ///   - name: The entry's name: the first segment of its paths. Not empty, and free of
    ///     whitespace, quotes and the characters that separate segments (`.`, `[`, `]`, `?`, `!`).
    ///   - value: The value or object.
    ///   - context: Where it is read; the reactor thread by default.
    public func register(_ name: String, _ value: any Sendable, readOn context: ReadContext = .reactor) {
        store(Entry(name: name, context: context, source: .value(value)))
    }

    /// Registers a closure evaluated each time the entry is read, in `context`, replacing any
    /// entry of that name: `register("queueDepth") { queue.count }`.
    ///
    /// An error the closure throws fails the read with ``InspectorError/readFailed(entry:message:)``.
    public func register(_ name: String, readOn context: ReadContext = .reactor, _ read: @escaping @Sendable () throws -> Any) {
        store(Entry(name: name, context: context, source: .closure(read)))
    }

    /// Registers an actor, read on its own executor: its stored properties are rendered while
    /// isolated to it.
    public func register<A: Actor>(_ name: String, actor: A) {
        store(Entry(name: name, context: .actor(actor), source: .value(actor)))
    }

    /// Registers a closure that reads an actor's state, evaluated on the actor's executor each
    /// time the entry is read: `register("sessions", on: server) { $0.sessions }`.
    public func register<A: Actor>(_ name: String, on actor: A, _ read: @escaping @Sendable (isolated A) throws -> Any) {
        store(Entry(name: name, context: .actor(actor), source: Entry.isolatedSource(actor, name: name, read)))
    }

    /// Removes the entry called `name`; returns whether there was one.
    @discardableResult
    public func remove(_ name: String) -> Bool {
        entries.withLockedValue { $0.removeValue(forKey: name) != nil }
    }

    /// The names of the entries, sorted.
    package var names: [String] {
        entries.withLockedValue { Array($0.keys) }.sorted()
    }

    /// Where the entry called `name` is read, or `nil` when there is none.
    public func readContext(of name: String) -> ReadContext? {
        entries.withLockedValue { $0[name]?.context }
    }

    private func store(_ entry: Entry) {
        precondition(InspectorPath.isValidEntryName(entry.name), "invalid inspector entry name \"\(entry.name)\"")
        entries.withLockedValue { $0[entry.name] = entry }
    }

    func entry(named name: String) -> Entry? {
        entries.withLockedValue { $0[name] }
    }

    // MARK: - Reading

    /// Renders the value at `path`; the future completes on the reactor's loop.
    ///
    /// The entry is read, the path followed and the value rendered in the entry's read context.
    /// - Parameters:
    ///   - path: An entry name, then `.member`, `[index]` or `["key"]` segments, e.g. `app.jobs[3]`.
    ///   - options: Budgets for this rendering; the configuration's when `nil`.
    /// - Returns: A future failing with an error whose description says where a bad path went
    ///   wrong (and what names exist there), ``InspectorError`` when the read fails or times out,
    ///   `ReactorError.stopped` once the reactor has stopped (callbacks on it then run only if the
    ///   loop itself still runs, as an attached host loop does).
    public func inspect(_ path: String, options: RenderOptions? = nil) -> EventLoopFuture<Rendering> {
        inspect(path, options: options, via: nil)
    }

    /// ``inspect(_:options:)-(_,_)->EventLoopFuture<Rendering>`` for a caller on another loop:
    /// with `call`, a reactor-context entry is read only if the reactor thread takes it up in time
    /// (otherwise the future fails with `ReactorBusy`), and the future completes on the call's
    /// delivery loop, so a queue or actor entry answers while the reactor thread is held.
    package func inspect(_ path: String, options: RenderOptions? = nil, via call: ReactorCall?) -> EventLoopFuture<Rendering> {
        let options = options ?? configuration.renderOptions
        let renderer = Renderer(options: options)
        return resolving(path, options: options, via: call) { value, parsed, budget in
            renderer.render(value, label: parsed.text, budget: budget)
        }
    }

    /// The entries (name, type, read context, one-line summary), sorted by name; each entry is
    /// read in its own context. An entry whose read fails shows the error as its summary. With
    /// `call`, as ``inspect(_:options:via:)``: a reactor-context entry the reactor thread does not
    /// take up in time shows `ReactorBusy`, the others their values.
    package func list(via call: ReactorCall? = nil) -> EventLoopFuture<[EntrySummary]> {
        let loop = call?.deliveryLoop ?? reactor.eventLoop
        let sorted = entries.withLockedValue { Array($0.values) }.sorted { $0.name < $1.name }
        let renderer = Renderer(options: configuration.renderOptions)
        let reads = sorted.map { entry in
            read(entry, via: call) { value in
                let (typeName, summary) = renderer.summarize(value)
                return [typeName, summary]
            }
        }
        return EventLoopFuture.whenAllComplete(reads, on: loop).map { outcomes in
            zip(sorted, outcomes).map { entry, outcome in
                switch outcome {
                case .success(let cells):
                    EntrySummary(name: entry.name, typeName: cells[0], readOn: entry.context.description, summary: cells[1])
                case .failure(let error):
                    EntrySummary(name: entry.name, typeName: "?", readOn: entry.context.description, summary: "error: \(error)")
                }
            }
        }
    }

    /// Follows `path` in its entry's read context and applies `body` to the value reached there,
    /// with what is left of the operation's work budget (``RenderOptions/workLimit`` of `options`,
    /// the configuration's by default), which starts when the read does.
    func resolving<R: Sendable>(
        _ path: String, segmentCount: Int? = nil, options: RenderOptions? = nil, via call: ReactorCall? = nil,
        _ body: @escaping @Sendable (Any, InspectorPath, WorkBudget) throws -> R
    ) -> EventLoopFuture<R> {
        let loop = call?.deliveryLoop ?? reactor.eventLoop
        let parsed: InspectorPath
        do {
            parsed = try InspectorPath(parsing: path)
        } catch {
            return loop.makeFailedFuture(error)
        }
        guard let entry = entry(named: parsed.entry) else {
            let suggestions = Suggestions.closest(to: parsed.entry, among: names)
            return loop.makeFailedFuture(PathError.unknownEntry(name: parsed.entry, suggestions: suggestions))
        }
        let options = options ?? configuration.renderOptions
        return read(entry, via: call) { value in
            let budget = WorkBudget(options.workLimit)
            let target = try PathResolver.resolve(
                value, path: parsed, segmentCount: segmentCount, sortLimit: options.maxSortedEntries, budget: budget)
            return try body(target, parsed, budget)
        }
    }

    /// Reads `entry` in its context, bounded by ``Configuration/readTimeout`` when that context
    /// is a queue or an actor, and by `call` when it is the reactor thread; the future completes
    /// on `call`'s delivery loop (the reactor's without one).
    func read<R: Sendable>(
        _ entry: Entry, via call: ReactorCall? = nil, _ body: @escaping @Sendable (Any) throws -> R
    ) -> EventLoopFuture<R> {
        let loop = call?.deliveryLoop ?? reactor.eventLoop
        guard !reactor.isStopped else { return loop.makeFailedFuture(ReactorError.stopped) }
        let future = entry.read(on: reactor, via: call, body)
        switch entry.context {
        case .reactor, .anyThread: return future  // bounded by `call`, or complete already
        case .queue, .actor: break
        }
        let promise = call?.makePromise(of: R.self) ?? loop.makePromise(of: R.self)
        let settled = OnceFlag()
        let timeout = configuration.readTimeout
        let name = entry.name
        let logger = self.logger
        let timer = loop.scheduleTask(in: TimeAmount(timeout)) {
            guard settled.claim() else { return }
            logger.warning(
                "inspector read timed out",
                metadata: ["entry": "\(name)", "context": "\(entry.context)", "timeout": "\(timeout)"])
            promise.fail(InspectorError.readTimedOut(entry: name, after: timeout))
        }
        future.whenComplete { outcome in
            timer.cancel()
            if settled.claim() { promise.completeWith(outcome) }
        }
        return promise.futureResult
    }

    // MARK: - async twins: the same names, for `async` callers

    /// Renders the value at `path`, for `async` callers: the future-returning overload, awaited.
    /// - Throws: as that future fails; `ReactorError.stopped` at once when the reactor has
    ///   stopped (its loop, which delivers results, may be gone).
    public func inspect(_ path: String, options: RenderOptions? = nil) async throws -> Rendering {
        guard !reactor.isStopped else { throw ReactorError.stopped }
        let future: EventLoopFuture<Rendering> = inspect(path, options: options)
        return try await future.get()
    }

    /// ``list()`` for `async` callers; throws `ReactorError.stopped` once the reactor has stopped.
    package func list() async throws -> [EntrySummary] {
        guard !reactor.isStopped else { throw ReactorError.stopped }
        let future: EventLoopFuture<[EntrySummary]> = list()
        return try await future.get()
    }

    /// ``complete(_:)`` for `async` callers; throws `ReactorError.stopped` once the reactor has stopped.
    package func complete(_ partial: String) async throws -> [String] {
        guard !reactor.isStopped else { throw ReactorError.stopped }
        let future: EventLoopFuture<[String]> = complete(partial)
        return try await future.get()
    }
}
