import Inspector
import Reactor
import Testing

enum JobFailure: Error {
    case diskFull
}

@Test func theResultsViewListsStashedResultsWithTypeStateAgeAndCallSite() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    #expect(inspector.resultsTable().plainText == "ID  TYPE  STATE  AGE  WAITERS  CALL SITE\nno stashed results\n")
    let line = #line + 1
    let result = reactor.runInReactor { [1, 2, 3] }
    _ = try await result.wait()
    let id = result.stash()
    let info = try #require(reactor.stashedResults().first)
    let table = inspector.resultsTable(at: .uptimeNanoseconds(info.createdAt.uptimeNanoseconds + 1_500_000_000))
    let callSite = "InspectorTests/ResultsViewTests.swift:\(line)"
    #expect(table.columns == ["ID", "TYPE", "STATE", "AGE", "WAITERS", "CALL SITE"])
    #expect(table.rows == [["\(id)", "Swift.Array<Swift.Int>", "succeeded", "1.5s", "0", callSite]])
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
    let inspector = Inspector(reactor: reactor)
    let pending = reactor.runInReactor { reactor.makeDeferred(of: Int.self) }
    defer { pending.cancel() }
    let rows = inspector.resultsTable(includeInFlight: true).rows
    #expect(rows.count == 1)
    #expect(rows.first?[1] == "Swift.Int")
    #expect(rows.first?[2] == "pending")
    #expect(rows.first?[4] == "no")
    #expect(inspector.resultsTable().rows.isEmpty)
}

@Test func theDetailOfASucceededResultRendersItsValue() async throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    let line = #line + 1
    let result = reactor.runInReactor { ServerConfig() }
    _ = try await result.wait()
    let id = result.stash()
    let info = try #require(reactor.peekResult(id: id)?.info)
    let detail = try inspector.resultDetail(id: id, at: .uptimeNanoseconds(info.createdAt.uptimeNanoseconds + 2_000_000_000))
    #expect(
        detail.plainText == """
            id         \(id)
            type       InspectorTests.ServerConfig
            state      succeeded
            age        2.0s
            call site  InspectorTests/ResultsViewTests.swift:\(line) in theDetailOfASucceededResultRendersItsValue()
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
    let inspector = Inspector(reactor: reactor)
    let line = #line + 1
    let result = reactor.runInReactor { () throws -> Int in throw JobFailure.diskFull }
    _ = try? await result.wait()
    let id = result.stash()
    let detail = try inspector.resultDetail(id: id)
    #expect(detail.state == .failed)
    #expect(detail.value == nil)
    let failure = try #require(detail.failure)
    #expect(
        failure.hasPrefix("""
            InspectorTests.JobFailure.diskFull
              error type: InspectorTests.JobFailure
              submitted at: InspectorTests/ResultsViewTests.swift:\(line) in theDetailOfAFailedResultShowsTheFailureWithItsContext()
              failed after:
            """))
    #expect(failure.hasSuffix("on thread manhole-reactor"))
    #expect(detail.plainText.contains("state      failed\n"))
    #expect(detail.plainText.contains("failure: InspectorTests.JobFailure.diskFull\n"))
}

@Test func theDetailOfAnUnknownResultIsAnError() throws {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    #expect(throws: InspectorError.noSuchResult(id: 999)) { try inspector.resultDetail(id: 999) }
}
