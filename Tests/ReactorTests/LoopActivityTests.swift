import Foundation
import ManholeTesting
import NIOCore
import Reactor
import Testing

@Suite("The reactor knows what its thread runs")
struct LoopActivityTests {
    @Test("A blocking body is the current run, with its call site and start, seen from another thread; afterwards it is in the slow history")
    func blockingBodyIsCurrent() throws {
        try withReactor { reactor throws in
            let started = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let line = #line + 1
            let result = reactor.runInReactor { () -> Int in
                started.signal()
                release.wait()
                return 1
            }
            #expect(started.wait(timeout: .now() + .seconds(30)) == .success)
            let running = try #require(reactor.activity.current)
            #expect(running.kind == .body)
            #expect(running.callSite.fileID.hasSuffix("LoopActivityTests.swift"))
            #expect(running.callSite.line == line)
            #expect(running.duration == nil)
            Thread.sleep(forTimeInterval: 0.02)
            #expect(NIODeadline.now() - running.startedAt >= .milliseconds(20))
            release.signal()
            #expect(try result.wait(timeout: hangGuard) == 1)
            #expect(eventually { reactor.activity.current == nil })
            let slow = try #require(reactor.activity.recentSlowRuns.first)
            #expect(slow.callSite.line == line && slow.kind == .body)
            #expect(try #require(slow.duration) >= .milliseconds(20))
        }
    }

    @Test("Delayed calls and looping calls are recorded as such, with the call site that created them")
    func timersAreRecorded() throws {
        try withReactor { reactor throws in
            let delayedLine = #line + 1
            let delayed = reactor.callLater(.milliseconds(1), name: "slow once") { Thread.sleep(forTimeInterval: 0.003) }
            let loopingLine = #line + 1
            let looping = reactor.loopingCall(every: .milliseconds(5), name: "slow loop") { Thread.sleep(forTimeInterval: 0.003) }
            defer { looping.stop() }
            #expect(eventually {
                let runs = reactor.activity.recentSlowRuns
                return runs.contains { $0.kind == .delayedCall && $0.callSite.line == delayedLine }
                    && runs.contains { $0.kind == .loopingCall && $0.callSite.line == loopingLine }
            })
            #expect(!delayed.isActive)
        }
    }

    @Test("Quick runs are not kept, and the history keeps only the newest slow runs, newest first")
    func historyIsBounded() throws {
        try withReactor { reactor throws in
            for _ in 0..<100 { _ = try reactor.waitFor(timeout: hangGuard) { 0 } }
            // Whatever a loaded machine made of these empty bodies, only those that really held
            // the loop for the threshold are kept (an empty body preempted for 3.6 ms was, in a
            // run beside a CI job: the old "none kept" assumed every one was quick).
            #expect(reactor.activity.recentSlowRuns.allSatisfy { ($0.duration ?? .zero) >= Duration(LoopActivity.slowThreshold) })
            for index in 0..<(LoopActivity.historyCapacity + 5) {
                _ = try reactor.waitFor(timeout: hangGuard) { () -> Int in
                    Thread.sleep(forTimeInterval: 0.0012)
                    return index
                }
            }
            let runs = reactor.activity.recentSlowRuns
            #expect(runs.count == LoopActivity.historyCapacity)
            let starts = runs.map(\.startedAt)
            #expect(starts == starts.sorted(by: >))
        }
    }

    @Test("With recording off (the benchmark's baseline) nothing is recorded")
    func recordingOff() throws {
        var configuration = Reactor.Configuration()
        configuration.recordsActivity = false
        let reactor = Reactor(configuration: configuration)
        defer { reactor.stop() }
        _ = try reactor.waitFor(timeout: hangGuard) { () -> Int in
            Thread.sleep(forTimeInterval: 0.002)
            return 0
        }
        #expect(reactor.activity.current == nil && reactor.activity.recentSlowRuns.isEmpty)
    }
}
