import Inspector
import Reactor
import Testing
@testable import Manhole
import ManholeClient

enum JobFailure: Error {
    case diskFull
}

/// A value a result holds, rendered by `result ID`.
struct ServerConfig {
    var port = 8080
    var host = "localhost"
    var owner: String? = nil
    var backup: String? = "b-1"
}

@Test func theResultsViewListsStashedResultsWithTypeStateAgeAndCallSite() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    #expect(ResultsView.table(of: reactor).plainText == "ID  TYPE  STATE  AGE  WAITERS  CALL SITE\nno stashed results\n")
    let line = #line + 1
    let result = reactor.runInReactor { [1, 2, 3] }
    _ = try await result.wait()
    let id = result.stash()
    let info = try #require(reactor.stashedResults().first)
    let table = ResultsView.table(of: reactor, at: .uptimeNanoseconds(info.createdAt.uptimeNanoseconds + 1_500_000_000))
    let callSite = "ManholeTests/ResultsViewTests.swift:\(line)"
    #expect(table.textRows == [["\(id)", "Swift.Array<Swift.Int>", "succeeded", "1.5s", "0", callSite]])
    #expect(table.rows[0][3] == .duration(.milliseconds(1_500)))
    #expect(id < 10)
    #expect(
        table.plainText == """
            ID  TYPE                    STATE      AGE   WAITERS  CALL SITE
            \(id)   Swift.Array<Swift.Int>  succeeded  1.5s  0        \(callSite)

            """)
}

@Test func inFlightResultsAreListedWhenAskedFor() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let pending = reactor.runInReactor { reactor.makeDeferred(of: Int.self) }
    defer { pending.cancel() }
    let rows = ResultsView.table(of: reactor, includeInFlight: true).textRows
    #expect(rows.count == 1)
    #expect(rows.first?[1] == "Swift.Int")
    #expect(rows.first?[2] == "pending")
    #expect(rows.first?[4] == "no")
    #expect(ResultsView.table(of: reactor).rows.isEmpty)
    #expect(ResultsView.table(of: reactor, includeInFlight: true, limit: -1).rows.isEmpty)
}

@Test func theDetailOfASucceededResultRendersItsValue() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let line = #line + 1
    let result = reactor.runInReactor { ServerConfig() }
    _ = try await result.wait()
    let id = result.stash()
    let info = try #require(reactor.peekResult(id: id)?.info)
    let detail = try ResultsView.detail(id: id, of: reactor, options: RenderOptions(), at: .uptimeNanoseconds(info.createdAt.uptimeNanoseconds + 2_000_000_000))
    #expect(
        detail.plainText == """
            id         \(id)
            type       ManholeTests.ServerConfig
            state      succeeded
            age        2.0s
            call site  ManholeTests/ResultsViewTests.swift:\(line) in theDetailOfASucceededResultRendersItsValue()
            stashed    yes
            waiters    0
            value: ServerConfig (4 fields)
              port: Int = 8080
              host: String = "localhost"
              owner: Optional<String> = nil
              backup: String = "b-1"

            """)
}

@Test func theDetailOfAFailedResultShowsTheFailureWithItsContext() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let line = #line + 1
    let result = reactor.runInReactor { () throws -> Int in throw JobFailure.diskFull }
    _ = try? await result.wait()
    let id = result.stash()
    let detail = try ResultsView.detail(id: id, of: reactor, options: RenderOptions())
    #expect(detail.value == nil)
    let failure = try #require(detail.failure)
    #expect(
        failure.hasPrefix("""
            ManholeTests.JobFailure.diskFull
              error type: ManholeTests.JobFailure
              submitted at: ManholeTests/ResultsViewTests.swift:\(line) in theDetailOfAFailedResultShowsTheFailureWithItsContext()
              failed after:
            """))
    #expect(failure.hasSuffix("on thread manhole-reactor"))
    // The time to failure in the views' one format (the reactor's own report says "0.0001 seconds").
    let elapsed = try #require(failure.firstMatch(of: /failed after: (.*) on thread/)?.output.1)
    #expect(isInTheOneDurationFormat(elapsed), "\(elapsed)")
    #expect(detail.plainText.contains("state      failed\n"))
    #expect(detail.plainText.contains("failure: ManholeTests.JobFailure.diskFull\n"))
}

@Test func theDetailOfAnUnknownResultIsAnError() throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    #expect(throws: InspectorError.noSuchResult(id: 999)) { try ResultsView.detail(id: 999, of: reactor, options: RenderOptions()) }
}
