import Reactor
import Testing
@testable import Manhole
import ManholeClient

@Suite("The timers view")
struct TimersViewTests {
    @Test("A delayed call is listed with its due time and call site")
    func delayedCall() throws {
        let reactor = Reactor()
        defer { reactor.stop() }
        #expect(
            TimersView.table(of: reactor).plainText
                == "ID  NAME  KIND  DUE IN  INTERVAL  RUNS  LAST ERROR  CALL SITE\nno timers\n")
        let line = #line + 1
        let call = reactor.callLater(.seconds(60), name: "refresh-cache") {}
        defer { call.cancel() }
        let timer = try #require(reactor.timers().first)
        let table = TimersView.table(of: reactor, at: .uptimeNanoseconds(timer.dueTime.uptimeNanoseconds - 12_300_000_000))
        #expect(
            table.plainText == """
                ID  NAME           KIND     DUE IN  INTERVAL  RUNS  LAST ERROR  CALL SITE
                \(timer.id)   refresh-cache  delayed  12.3s   -         0     -           ManholeTests/TimersViewTests.swift:\(line)

                """)
        let late = TimersView.table(of: reactor, at: .uptimeNanoseconds(timer.dueTime.uptimeNanoseconds + 1_500_000_000))
        #expect(late.textRows[0][3] == "-1.5s")
        #expect(late.rows[0][3] == .duration(.milliseconds(-1_500)))
    }

    @Test("A looping call shows its interval, runs and last error")
    func loopingCall() async throws {
        let reactor = Reactor()
        defer { reactor.stop() }
        let looping = reactor.loopingCall(every: .seconds(3_600), now: true, name: "flaky") { throw JobFailure.diskFull }
        defer { looping.stop() }
        // Wait (without a time limit of our own) until the first run has recorded its error.
        while reactor.timers().first?.lastError == nil { try await Task.sleep(for: .milliseconds(1)) }
        let row = try #require(TimersView.table(of: reactor).textRows.first)
        #expect(row[1] == "flaky")
        #expect(row[2] == "looping")
        #expect(row[4] == "1h 0m")
        #expect(row[5] == "1")
        #expect(row[6].contains("diskFull"))
    }

    @Test("The note says when only some timers are shown")
    func limit() {
        let reactor = Reactor()
        defer { reactor.stop() }
        let calls = (0..<3).map { reactor.callLater(.seconds(60), name: "t\($0)") {} }
        defer { calls.forEach { $0.cancel() } }
        let table = TimersView.table(of: reactor, limit: 2)
        #expect(table.textRows.map { $0[1] } == ["t0", "t1"])
        #expect(table.note == "showing 2 of 3 timers")
        #expect(TimersView.table(of: reactor, limit: .min).rows.isEmpty)
    }
}
