import Foundation
import InMemoryLogging
import Logging
import ManholeTesting
import NIOCore
import Reactor
import Testing

@Suite("The watchdog logs a run that holds the reactor thread, and its end")
struct WatchdogTests {
    @Test("A body that blocks past the threshold is logged with its call site while it runs, then with the whole stall; the stall is kept")
    func blockingBodyIsAStall() throws {
        let capture = InMemoryLogHandler()
        let reactor = Reactor(configuration: .init(logger: Logger(label: "test.reactor") { _ in capture }, watchdogThreshold: .milliseconds(50)))
        defer { reactor.stop() }
        let watchdog = try #require(reactor.watchdog)
        let release = DispatchSemaphore(value: 0)
        let line = #line + 1
        let held = reactor.runInReactor { () -> Int in
            release.wait()
            return 1
        }
        // While the body still holds the loop, the stall is logged and listed as ongoing.
        #expect(eventually { capture.entries.contains { $0.message.description == "reactor stalled" } })
        let stalled = try #require(capture.entries.first { $0.message.description == "reactor stalled" })
        #expect(stalled.level == .warning)
        #expect(stalled.metadata["callSite"]?.description.hasSuffix("WatchdogTests.swift:\(line)") == true)
        #expect(stalled.metadata["kind"]?.description == "body")
        #expect(watchdog.stalls.first?.duration == nil)
        Thread.sleep(forTimeInterval: 0.2)
        release.signal()
        #expect(try held.wait(timeout: hangGuard) == 1)
        #expect(eventually { capture.entries.contains { $0.message.description == "reactor recovered" } })
        let recovered = try #require(capture.entries.first { $0.message.description == "reactor recovered" })
        #expect(recovered.metadata["callSite"]?.description.hasSuffix("WatchdogTests.swift:\(line)") == true)
        let stall = try #require(watchdog.stalls.first)
        #expect(stall.run.callSite.line == line)
        #expect(try #require(stall.duration) >= .milliseconds(200))
        #expect(capture.entries.filter { $0.message.description == "reactor stalled" }.count == 1)
    }

    @Test("Quick bodies are no stall; an idle loop lets the watchdog park, and the next run wakes it")
    func idleWatchdogParks() throws {
        let reactor = Reactor(configuration: .init(watchdogThreshold: .milliseconds(50)))
        defer { reactor.stop() }
        let watchdog = try #require(reactor.watchdog)
        for _ in 0..<100 { _ = try reactor.waitFor(timeout: hangGuard) { 0 } }
        #expect(watchdog.stalls.isEmpty)
        // A second without runs, and the watchdog parks; a run wakes it once.
        Thread.sleep(forTimeInterval: 1.5)
        #expect(watchdog.wakeUpsFromParking == 0)
        _ = try reactor.waitFor(timeout: hangGuard) { 0 }
        #expect(eventually { watchdog.wakeUpsFromParking == 1 })
    }

    @Test("watchdogThreshold nil means no watchdog")
    func optOut() {
        let reactor = Reactor(configuration: .init(watchdogThreshold: nil))
        defer { reactor.stop() }
        #expect(reactor.watchdog == nil)
    }
}
