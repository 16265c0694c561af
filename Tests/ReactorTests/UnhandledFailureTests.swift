import Dispatch
import InMemoryLogging
import Logging
import ManholeTesting
import Reactor
import Testing

/// No failure is ever lost silently: one nobody handled is logged once with its call site,
/// however early its last handle was dropped, and one left in the stash is logged at stop.
@Suite("Unhandled failures")
struct UnhandledFailureTests {
    private func errors(_ capture: InMemoryLogHandler) -> [InMemoryLogHandler.Entry] {
        capture.entries.filter { $0.level == .error }
    }

    @Test("Fire and forget: a failure that arrives after the handle was dropped is logged with its call site")
    func failureAfterTheHandleWasDropped() throws {
        let capture = InMemoryLogHandler()
        try withReactor(logger: Logger(label: "test.capture") { _ in capture }) { reactor throws in
            let release = DispatchSemaphore(value: 0)
            _ = reactor.runInReactor { () throws -> Int in
                _ = release.wait(timeout: .now() + .seconds(30))
                throw Boom(code: 7)
            }
            #expect(errors(capture).isEmpty)
            release.signal()
            #expect(eventually { !errors(capture).isEmpty })
            let entry = try #require(errors(capture).first)
            #expect(entry.message == "unhandled failure in reactor result")
            #expect(entry.metadata["error"] == "boom 7")
            #expect(entry.metadata["callSite"]?.description.hasPrefix("ReactorTests/UnhandledFailureTests.swift:") == true)
        }
        #expect(errors(capture).count == 1)
    }

    @Test("Dropping the last handle and the failure arriving race: each failure is logged exactly once")
    func releaseAndFailureRace() throws {
        let capture = InMemoryLogHandler()
        let count = 300
        try withReactor(logger: Logger(label: "test.capture") { _ in capture }) { reactor throws in
            let go = DispatchSemaphore(value: 0)
            for index in 0..<count {
                // The body fails as soon as the dropping thread is let go: the two meet in the middle.
                let result = reactor.runInReactor { () throws -> Int in
                    _ = go.wait(timeout: .now() + .seconds(30))
                    throw Boom(code: index)
                }
                _ = onThreads(1) { _ in
                    go.signal()
                    withExtendedLifetime(result) {}
                }
            }
            #expect(eventually { errors(capture).count >= count })
            // Time for a second report of any of them to show up.
            #expect(try reactor.waitFor(timeout: hangGuard) { 1 } == 1)
        }
        let codes = errors(capture).compactMap { $0.metadata["error"]?.description }
        #expect(codes.count == count)
        #expect(Set(codes).count == count)
    }

    @Test("A retrieved result is a handle again: its failure is logged when the retrieved handle goes, not before")
    func retrievedHandle() throws {
        let capture = InMemoryLogHandler()
        try withReactor(logger: Logger(label: "test.capture") { _ in capture }) { reactor throws in
            let release = DispatchSemaphore(value: 0)
            let id = reactor.runInReactor { () throws -> Int in
                _ = release.wait(timeout: .now() + .seconds(30))
                throw Boom(code: 3)
            }.stash()
            var retrieved: EventualResult<Int>? = try reactor.retrieveResult(id, as: Int.self)
            release.signal()
            #expect(eventually { retrieved?.isReady == true })
            #expect(errors(capture).isEmpty)
            retrieved = nil
            #expect(errors(capture).count == 1)
        }
        #expect(errors(capture).count == 1)
    }

    @Test("Looking from the shell (peek) is not handling; a callback, a wait or reading the failure is")
    func peekIsNotHandling() throws {
        let capture = InMemoryLogHandler()
        try withReactor(logger: Logger(label: "test.capture") { _ in capture }) { reactor throws in
            do {
                let peeked = reactor.runInReactor { () throws -> Int in throw Boom(code: 1) }
                let id = peeked.stash()
                #expect(eventually { peeked.isReady })
                #expect(reactor.peekResult(id: id)?.failure != nil)
                _ = try reactor.retrieveResult(id, as: Int.self)
                let awaited = reactor.runInReactor { () throws -> Int in throw Boom(code: 2) }
                _ = try? awaited.wait(timeout: hangGuard)
            }
            let logged = errors(capture).compactMap { $0.metadata["error"]?.description }
            #expect(logged == ["boom 1"])
        }
    }

    @Test("At stop, each unhandled failure still in the stash is logged once with its id and call site")
    func stashedFailuresAreLoggedAtStop() throws {
        let capture = InMemoryLogHandler()
        let reactor = Reactor(configuration: .init(logger: Logger(label: "test.capture") { _ in capture }))
        let ids = (0..<3).map { code in reactor.runInReactor { () throws -> Int in throw Boom(code: code) }.stash() }
        // A handled one, a succeeded one and a pending one (the stop fails it: not logged).
        let handled = reactor.runInReactor { () throws -> Int in throw Boom(code: 99) }
        _ = try? handled.wait(timeout: hangGuard)
        _ = handled.stash()
        _ = reactor.runInReactor { 5 }.stash()
        _ = reactor.runInReactor { reactor.makeDeferred(of: Int.self) }.stash()
        #expect(eventually { reactor.stashedResults().filter { $0.state == .failed }.count == 4 })
        #expect(errors(capture).isEmpty)
        reactor.stop()
        let stashLines = errors(capture).filter { $0.message == "unhandled failure left in the stash at stop" }
        #expect(stashLines.compactMap { $0.metadata["result"]?.description } == ids.map(String.init))
        #expect(stashLines.allSatisfy { $0.metadata["callSite"]?.description.contains("UnhandledFailureTests.swift") == true })
        #expect(errors(capture).count == 3)
    }

    @Test("At stop, at most 100 stashed failures are logged one by one, then a count")
    func stashReportIsBounded() throws {
        let capture = InMemoryLogHandler()
        let reactor = Reactor(configuration: .init(logger: Logger(label: "test.capture") { _ in capture }))
        for code in 0..<130 { _ = reactor.runInReactor { () throws -> Int in throw Boom(code: code) }.stash() }
        #expect(eventually { reactor.stashedResults().filter { $0.state == .failed }.count == 130 })
        reactor.stop()
        let lines = errors(capture)
        #expect(lines.filter { $0.message == "unhandled failure left in the stash at stop" }.count == 100)
        let summary = try #require(lines.first { $0.message == "more unhandled failures left in the stash at stop" })
        #expect(summary.metadata["count"] == "30")
        #expect(lines.count == 101)
    }

    @Test("The failures a stop causes are not logged: dropped pending work is the stop's doing")
    func stopCausedFailuresAreNotLogged() throws {
        let capture = InMemoryLogHandler()
        let reactor = Reactor(configuration: .init(logger: Logger(label: "test.capture") { _ in capture }))
        _ = reactor.runInReactor { reactor.makeDeferred(of: Int.self) }
        let kept = reactor.runInReactor { reactor.makeDeferred(of: Int.self) }
        #expect(eventually { reactor.trackedResults().count == 2 })
        reactor.stop()
        #expect(kept.state == .failed)
        #expect(errors(capture).isEmpty)
    }

    @Test("A process that exits with an unhandled failure in the stash logs it (the exit's stop), with its call site")
    func stashedFailureLoggedAtProcessExit() throws {
        let (status, text) = try runProbe("stash-at-exit")
        #expect(status == 0)
        let line = try #require(text.split(separator: "\n").first { $0.contains("unhandled failure left in the stash at stop") })
        #expect(line.contains("reactor_exit_probe/main.swift:"))
        #expect(text.contains("stashed 1"))
    }
}
