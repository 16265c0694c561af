import Inspector
import Reactor
import Testing

@Test func theTimersViewListsADelayedCallWithItsDueTimeAndCallSite() throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    #expect(
        inspector.timersTable().plainText
            == "ID  NAME  KIND  DUE IN  INTERVAL  RUNS  LAST ERROR  CALL SITE\nno timers\n")
    let line = #line + 1
    let call = reactor.callLater(.seconds(60), name: "refresh-cache") {}
    defer { call.cancel() }
    let timer = try #require(reactor.timers().first)
    let table = inspector.timersTable(at: .uptimeNanoseconds(timer.dueTime.uptimeNanoseconds - 12_300_000_000))
    #expect(
        table.plainText == """
            ID  NAME           KIND     DUE IN  INTERVAL  RUNS  LAST ERROR  CALL SITE
            \(timer.id)   refresh-cache  delayed  12.3s   -         0     -           InspectorTests/TimersViewTests.swift:\(line)

            """)
    #expect(inspector.timersTable(at: .uptimeNanoseconds(timer.dueTime.uptimeNanoseconds + 1_500_000_000)).rows[0][3] == "-1.5s")
}

@Test func theTimersViewShowsALoopingCallsIntervalRunsAndLastError() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    let looping = reactor.loopingCall(every: .seconds(3_600), now: true, name: "flaky") { throw JobFailure.diskFull }
    defer { looping.stop() }
    // Wait (without a time limit of our own) until the first run has recorded its error.
    while reactor.timers().first?.lastError == nil { try await Task.sleep(for: .milliseconds(1)) }
    let row = try #require(inspector.timersTable().rows.first)
    #expect(row[1] == "flaky")
    #expect(row[2] == "looping")
    #expect(row[4] == "1h 0m")
    #expect(row[5] == "1")
    #expect(row[6].contains("diskFull"))
}

@Test func theTimersViewSaysWhenItShowsOnlySomeTimers() {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    let calls = (0..<3).map { reactor.callLater(.seconds(60), name: "t\($0)") {} }
    defer { calls.forEach { $0.cancel() } }
    let table = inspector.timersTable(limit: 2)
    #expect(table.rows.map { $0[1] } == ["t0", "t1"])
    #expect(table.note == "showing 2 of 3 timers")
}
