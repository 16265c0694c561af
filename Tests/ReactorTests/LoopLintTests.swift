import Foundation
import ManholeTesting
import NIOCore
import Reactor
import Testing

@Suite("The reactor's lints: slow callbacks, overrunning looping calls, forgotten results")
struct LoopLintTests {
    @Test("A body that holds the loop over 10 ms is counted against its call site, with the worst and the last run; quicker ones are not")
    func slowCallbackIsCounted() throws {
        try withReactor { reactor throws in
            let line = #line + 2
            for _ in 0..<2 {
                _ = try reactor.waitFor(timeout: hangGuard) { () -> Int in
                    Thread.sleep(forTimeInterval: 0.015)
                    return 1
                }
            }
            let quickLine = #line + 1
            _ = try reactor.waitFor(timeout: hangGuard) { () -> Int in
                Thread.sleep(forTimeInterval: 0.002)
                return 2
            }
            let sites = reactor.activity.slowCallSites
            let site = try #require(sites.first { $0.callSite.line == line }, "\(sites)")
            #expect(site.callSite.fileID.hasSuffix("LoopLintTests.swift"))
            #expect(site.kind == .body)
            #expect(site.count == 2)
            #expect(site.worst >= .milliseconds(15) && site.last >= .milliseconds(15))
            #expect(!sites.contains { $0.callSite.line == quickLine })
            #expect(reactor.loopWarnings().contains { warning in
                if case .slowCallback(let found) = warning { found.callSite.line == line } else { false }
            })
        }
    }

    @Test("The per-call-site table keeps 64 call sites at most, dropping the one slow longest ago")
    func slowCallSitesAreBounded() throws {
        let activity = LoopActivity(slowCallbackThreshold: .nanoseconds(1))
        for line in 1...(64 + 6) {
            activity.run(CallSite(fileID: "Busy.swift", line: line), .body) { Thread.sleep(forTimeInterval: 0.0011) }
        }
        let sites = activity.slowCallSites
        #expect(sites.count == 64)
        #expect(sites.first?.callSite.line == 70)
        #expect(!sites.contains { $0.callSite.line <= 6 })
    }

    @Test("A looping call whose 20 ms body overruns its 5 ms interval is listed with its timer id, call site and overrun count, until it stops")
    func loopingCallOverrunIsListed() throws {
        try withReactor { reactor throws in
            let line = #line + 1
            let looping = reactor.loopingCall(every: .milliseconds(5), name: "too slow") { Thread.sleep(forTimeInterval: 0.02) }
            let relaxed = reactor.loopingCall(every: .milliseconds(200), name: "relaxed") {}
            defer { relaxed.stop() }
            func overruns() -> [LoopingCallOverrun] {
                reactor.loopWarnings().compactMap { if case .overrun(let overrun) = $0 { overrun } else { nil } }
            }
            #expect(eventually { overruns().first { $0.timerID == looping.id }.map { $0.count >= 2 } ?? false })
            let overrun = try #require(overruns().first { $0.timerID == looping.id })
            #expect(overrun.name == "too slow" && overrun.callSite.line == line)
            #expect(overrun.interval == .milliseconds(5))
            #expect(overrun.lastRan >= .milliseconds(20))
            #expect(!overruns().contains { $0.timerID == relaxed.id })
            looping.stop()
            #expect(!overruns().contains { $0.timerID == looping.id })
        }
    }

    @Test("A stashed result not retrieved past the threshold is a warning naming its id and call site; retrieving it ends the warning")
    func stashedResultNotRetrieved() throws {
        var configuration = Reactor.Configuration()
        configuration.lintThresholds.forgottenResult = .milliseconds(50)
        let reactor = Reactor(configuration: configuration)
        defer { reactor.stop() }
        let line = #line + 1
        let result = reactor.runInReactor { 42 }
        let id = result.stash()
        #expect(eventually { forgotten(reactor).contains { $0.id == id } })
        let warning = try #require(forgotten(reactor).first { $0.id == id })
        #expect(warning.reason == .stashed && warning.callSite.line == line && warning.valueType == "Swift.Int")
        #expect(try reactor.retrieveResult(id, as: Int.self).wait(timeout: hangGuard) == 42)
        #expect(!forgotten(reactor).contains { $0.id == id })
    }

    @Test("Results nobody waits on past the threshold are warnings, pending or finished; awaited and released ones are not")
    func unwaitedResults() throws {
        var configuration = Reactor.Configuration()
        configuration.lintThresholds.forgottenResult = .milliseconds(50)
        let reactor = Reactor(configuration: configuration)
        defer { reactor.stop() }
        let pending = reactor.runInReactor { reactor.makeDeferred(of: Int.self) }
        let finished = reactor.runInReactor { 1 }
        let awaited = reactor.runInReactor { reactor.makeDeferred(of: Int.self) }
        #expect(throws: ReactorError.self) { try awaited.wait(timeout: .milliseconds(1)) }
        _ = reactor.runInReactor { 2 }
        #expect(eventually {
            let ids = forgotten(reactor).map(\.id)
            return ids.contains(pending.id) && ids.contains(finished.id)
        })
        let found = forgotten(reactor)
        #expect(found.first { $0.id == pending.id }?.reason == .pendingUnwaited)
        #expect(found.first { $0.id == finished.id }?.reason == .finishedUnwaited)
        #expect(!found.contains { $0.id == awaited.id })
        #expect(found.count == 2, "\(found)")
        #expect(try finished.wait(timeout: hangGuard) == 1)
        #expect(!forgotten(reactor).contains { $0.id == finished.id })
        pending.cancel()
        awaited.cancel()
    }

    private func forgotten(_ reactor: Reactor) -> [ForgottenResult] {
        reactor.loopWarnings().compactMap { if case .forgottenResult(let result) = $0 { result } else { nil } }
    }
}
