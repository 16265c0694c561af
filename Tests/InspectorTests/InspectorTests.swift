import NIOConcurrencyHelpers
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Inspector
import NIOCore
import Reactor
import Synchronization
import Testing

// MARK: - Fixtures

/// A counter several threads may bump; used to see how often a closure entry runs.
final class ReadCounter: Sendable {
    private let count = Atomic<Int>(0)
    func bump() -> Int { count.add(1, ordering: .relaxed).newValue }
}

struct BoomError: Error, CustomStringConvertible {
    var description: String { "boom" }
}

/// Text handed over from a callback on the reactor thread.
final class TextBox: Sendable {
    private let text = NIOLockedValueBox<String?>(nil)
    func set(_ value: String) { text.withLockedValue { $0 = value } }
    var value: String? { text.withLockedValue { $0 } }
}

/// Renders as the label of the dispatch queue it is rendered on, so a test can see where
/// rendering (not only the closure) ran.
struct QueueProbe: InspectorRepresentable, Sendable {
    static let key = DispatchSpecificKey<String>()
    var inspectorSummary: String { DispatchQueue.getSpecific(key: Self.key) ?? "not on a tagged queue" }
}

/// Stops the test with a precondition failure if it is rendered off its actor.
struct IsolationProbe: InspectorRepresentable, @unchecked Sendable {
    unowned let owner: Ledger
    var inspectorSummary: String {
        owner.preconditionIsolated("rendered off the actor's executor")
        return "read on Ledger's executor"
    }
}

actor Ledger {
    var balance = 100
    var entries = ["rent", "food"]
    lazy var probe = IsolationProbe(owner: self)

    func deposit(_ amount: Int) { balance += amount }
}

// MARK: - Registry

@Test func listingShowsNameTypeReadContextAndSummarySortedByName() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    let queue = DispatchQueue(label: "jobs-queue")
    inspector.register("queueDepth") { 3 }
    inspector.register("app", ServerConfig())
    inspector.register("ledger", actor: Ledger())
    inspector.register("jobs", ["a", "b"], readOn: .queue(queue))
    #expect(
        try await inspector.list() == [
            EntrySummary(name: "app", typeName: "ServerConfig", readOn: "reactor", summary: "4 fields"),
            EntrySummary(name: "jobs", typeName: "Array<String>", readOn: "queue jobs-queue", summary: "2 elements"),
            EntrySummary(name: "ledger", typeName: "Ledger", readOn: "actor Ledger", summary: "3 fields"),
            EntrySummary(name: "queueDepth", typeName: "Int", readOn: "reactor", summary: "3"),
        ])
}

@Test func entriesCanBeReplacedAndRemoved() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    inspector.register("pet", Animal())
    inspector.register("pet", Dog())
    #expect(try await inspector.inspect("pet.goodBoy").plainText == "pet.goodBoy: Bool = true\n")
    #expect(inspector.names == ["pet"])
    #expect(inspector.remove("pet"))
    #expect(!inspector.remove("pet"))
    #expect(inspector.names.isEmpty)
    await #expect(throws: PathError.unknownEntry(name: "pet", suggestions: [])) {
        try await inspector.inspect("pet")
    }
}

@Test func aClosureEntryIsEvaluatedEachTimeItIsRead() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    let counter = ReadCounter()
    inspector.register("reads") { counter.bump() }
    #expect(try await inspector.inspect("reads").plainText == "reads: Int = 1\n")
    #expect(try await inspector.inspect("reads").plainText == "reads: Int = 2\n")
}

@Test func anUnknownEntrySuggestsTheClosestNames() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    inspector.register("app", 1)
    inspector.register("apps", 2)
    inspector.register("zebra", 3)
    await #expect(throws: PathError.unknownEntry(name: "ap", suggestions: ["app", "apps"])) {
        try await inspector.inspect("ap.config")
    }
}

@Test func aBadPathFailsTheFutureWithThePathError() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    inspector.register("app", ServerConfig())
    await #expect(
        throws: PathError.noSuchMember(member: "prot", at: "app", typeName: "ServerConfig", offset: 3, suggestions: ["port"])
    ) {
        try await inspector.inspect("app.prot").get()
    }
    await #expect(throws: PathError.syntax(path: "app.", offset: 4, message: "expected a member name after \".\"")) {
        try await inspector.inspect("app.").get()
    }
}

@Test func aThrowingClosureFailsTheReadWithItsError() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    inspector.register("broken") { () throws -> Any in throw BoomError() }
    await #expect(throws: InspectorError.readFailed(entry: "broken", message: "boom")) {
        try await inspector.inspect("broken")
    }
    #expect(
        try await inspector.list() == [
            EntrySummary(name: "broken", typeName: "?", readOn: "reactor", summary: "error: reading broken failed: boom")
        ])
}

@Test func renderOptionsPassedToInspectOverrideTheConfiguredBudgets() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(
        reactor: reactor, configuration: Inspector.Configuration(renderOptions: RenderOptions(maxChildren: 1)))
    inspector.register("list", [1, 2, 3])
    #expect(try await inspector.inspect("list").plainText == "list: Array<Int> (3 elements)\n  [0]: Int = 1\n  … 2 more\n")
    #expect(
        try await inspector.inspect("list", options: RenderOptions(maxDepth: 0)).plainText
            == "list: Array<Int> (3 elements) …\n")
}

// MARK: - Read contexts

@Test func aReactorEntryIsReadOnTheReactorThread() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    inspector.register("onReactor") { reactor.isReactorThread }
    #expect(try await inspector.inspect("onReactor").plainText == "onReactor: Bool = true\n")
}

@Test func aReactorEntryReadFromTheReactorThreadIsReadInline() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    inspector.register("answer") { 42 }
    let text = TextBox()
    let completedInline = try await reactor.runInReactor { () -> Bool in
        // A future that is already complete runs a callback added on its loop at once.
        inspector.inspect("answer").whenSuccess { text.set($0.plainText) }
        return text.value != nil
    }.wait()
    #expect(completedInline)
    #expect(text.value == "answer: Int = 42\n")
}

@Test func aQueueEntryIsReadAndRenderedOnItsQueue() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    let queue = DispatchQueue(label: "jobs-queue")
    queue.setSpecific(key: QueueProbe.key, value: "jobs-queue")
    inspector.register("probe", QueueProbe(), readOn: .queue(queue))
    inspector.register("tag", readOn: .queue(queue)) { DispatchQueue.getSpecific(key: QueueProbe.key) ?? "elsewhere" }
    #expect(try await inspector.inspect("probe").plainText == "probe: QueueProbe = jobs-queue\n")
    #expect(try await inspector.inspect("tag").plainText == "tag: String = \"jobs-queue\"\n")
    // Not on the queue, the probe says so: the test above could fail.
    #expect(Renderer().render(QueueProbe(), label: "probe").plainText == "probe: QueueProbe = not on a tagged queue\n")
}

@Test func anAnyThreadEntryIsReadOnTheCallingThread() throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    let reader = NIOLockedValueBox<pthread_t?>(nil)
    inspector.register("depth", readOn: .anyThread) { () -> Int in
        reader.withLockedValue { $0 = pthread_self() }
        return 3
    }
    // Read by the time `inspect` returns, on this thread: nothing was handed to another one.
    let future = inspector.inspect("depth")
    #expect(reader.withLockedValue { $0 }.map { pthread_equal($0, pthread_self()) != 0 } == true)
    #expect(try future.wait().plainText == "depth: Int = 3\n")
    #expect(inspector.readContext(of: "depth")?.description == "any thread")
}

@Test func anActorEntryIsRenderedOnTheActorsExecutor() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    let ledger = Ledger()
    await ledger.deposit(5)
    inspector.register("ledger", actor: ledger)
    inspector.register("balance", on: ledger) { $0.balance }
    inspector.register("probe", on: ledger) { $0.probe }
    #expect(
        try await inspector.inspect("ledger", options: RenderOptions(maxDepth: 1)).plainText == """
            ledger: Ledger (3 fields)
              balance: Int = 105
              entries: Array<String> (2 elements) …
              probe: Optional<IsolationProbe> = nil

            """)
    #expect(try await inspector.inspect("balance").plainText == "balance: Int = 105\n")
    let probe = try await inspector.inspect("probe", options: RenderOptions(maxDepth: 0)).plainText
    #expect(probe == "probe: IsolationProbe = read on Ledger's executor …\n")
    #expect(try await inspector.inspect("ledger.entries[1]").plainText == "ledger.entries[1]: String = \"food\"\n")
}

@Test func aSlowQueueEntryDoesNotBlockTheReactor() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    let queue = DispatchQueue(label: "slow-queue")
    let release = DispatchSemaphore(value: 0)
    let started = DispatchSemaphore(value: 0)
    inspector.register("slow", readOn: .queue(queue)) { () -> Any in
        started.signal()
        release.wait()
        return "done"
    }
    // Ask from the reactor thread, as a manhole session would.
    let text = TextBox()
    let finished = DispatchSemaphore(value: 0)
    _ = try await reactor.runInReactor {
        inspector.inspect("slow").whenComplete { outcome in
            text.set((try? outcome.get())?.plainText ?? "failed")
            finished.signal()
        }
    }.wait()
    await waitOnAnotherThread(started)
    // The read is stuck on its queue, and the reactor still runs other work.
    #expect(try await reactor.runInReactor { reactor.isReactorThread }.wait())
    #expect(text.value == nil)
    release.signal()
    await waitOnAnotherThread(finished)
    #expect(text.value == "slow: String = \"done\"\n")
}

/// Waits for `semaphore` on a global queue thread, not on a Swift concurrency thread.
func waitOnAnotherThread(_ semaphore: DispatchSemaphore) async {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            semaphore.wait()
            continuation.resume()
        }
    }
}

@Test func aQueueEntryThatDoesNotAnswerInTimeFailsWithATimeout() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor, configuration: Inspector.Configuration(readTimeout: .milliseconds(20)))
    let queue = DispatchQueue(label: "stuck-queue")
    let release = DispatchSemaphore(value: 0)
    defer { release.signal() }
    inspector.register("stuck", readOn: .queue(queue)) { () -> Any in
        release.wait()
        return 0
    }
    await #expect(throws: InspectorError.readTimedOut(entry: "stuck", after: .milliseconds(20))) {
        try await inspector.inspect("stuck")
    }
}

@Test("inspect has an async twin of the same name that renders what the future does")
func theAsyncInspectRendersWhatTheFutureDoes() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    inspector.register("pet", ["name": "Rex"])
    let future: EventLoopFuture<Rendering> = inspector.inspect("pet[name]")
    let awaited: Rendering = try await inspector.inspect("pet[name]")
    #expect(awaited == (try await future.get()))
    #expect(awaited.plainText == "pet[name]: String = \"Rex\"\n")
}

@Test func readingAfterTheReactorStoppedFailsWithStopped() async throws {
    let reactor = Reactor()
    let inspector = Inspector(reactor: reactor)
    inspector.register("app", 1)
    reactor.stop()
    await #expect(throws: ReactorError.stopped) {
        try await inspector.inspect("app")
    }
}

@Test func readContextsDescribeThemselvesForTheListing() {
    #expect(ReadContext.reactor.description == "reactor")
    #expect(ReadContext.queue(DispatchQueue(label: "q1")).description == "queue q1")
    #expect(ReadContext.actor(Ledger()).description == "actor Ledger")
}
