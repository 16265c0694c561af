import Foundation
import ManholeClient
import ManholeTesting
import NIOPosix
import Reactor
import Testing
@testable import Manhole

@Suite("loop --warnings: the loop's lints, over a real socket")
struct LoopWarningsCommandTests {
    @Test("After a body held the loop over 10 ms, loop counts a warning and loop --warnings names its call site in text and JSON")
    func slowCallbackIsListed() throws {
        let server = try TestServer()
        let connection = try server.connect()
        let before = try #require(try jsonObject(connection.run("loop", json: true).payload)["warnings"] as? Int)
        let line = #line + 1
        let held = server.reactor.runInReactor { () -> Int in
            Thread.sleep(forTimeInterval: 0.015)
            return 1
        }
        #expect(try held.wait(timeout: .seconds(30)) == 1)

        // At least this one: on a loaded machine (a sanitizer run) other work can pass 10 ms too.
        // The run is recorded as it ends, just after the body's result was delivered: a wait that
        // returns at once can ask before that (seen once under TSan), so the count is polled.
        #expect(eventually {
            ((try? jsonObject(connection.run("loop", json: true).payload))?["warnings"] as? Int ?? 0) >= before + 1
        })

        let text = try connection.run("loop --warnings")
        #expect(text.kind == .ok)
        #expect(text.payload.hasPrefix("KIND"))
        let row = try #require(
            text.payload.split(separator: "\n").first { $0.contains("LoopWarningsCommandTests.swift:\(line)") }, "\(text.payload)")
        #expect(row.hasPrefix("slow callback"))
        #expect(row.contains("body held the loop over 10ms once"))

        let rows = try #require(try jsonObject(connection.run("loop --warnings", json: true).payload)["rows"] as? [[String: Any]])
        let warning = try #require(rows.first { ($0["callSite"] as? String)?.hasSuffix("LoopWarningsCommandTests.swift:\(line)") == true })
        #expect(warning["kind"] as? String == "slow callback")
        #expect((warning["subject"] as? String)?.hasSuffix("LoopWarningsCommandTests.swift:\(line)") == true)
        #expect(try #require(warning["lastSeenSecondsAgo"] as? Double) >= 0)
        #expect(try connection.run("loop --warnings now").kind == .error)
    }

    @Test("A looping call that overruns its interval is listed by timer id and name, newest first")
    func overrunIsListed() throws {
        let server = try TestServer()
        let connection = try server.connect()
        let looping = server.reactor.loopingCall(every: .milliseconds(5), name: "lagging") { Thread.sleep(forTimeInterval: 0.02) }
        defer { looping.stop() }
        #expect(eventually { server.reactor.loopWarnings().contains { if case .overrun = $0 { true } else { false } } })
        let rows = try #require(try jsonObject(connection.run("loop --warnings", json: true).payload)["rows"] as? [[String: Any]])
        let overrun = try #require(rows.first { $0["kind"] as? String == "looping call overrun" }, "\(rows)")
        #expect((overrun["subject"] as? String)?.hasPrefix("timer \(looping.id) \"lagging\" at ") == true)
        #expect((overrun["detail"] as? String)?.contains("overran its 5ms interval") == true)
    }

    @Test("With nothing to warn about, loop --warnings says so in a note")
    func noWarnings() throws {
        let reactor = Reactor()
        defer { reactor.stop() }
        let table = LoopView.warnings(of: reactor)
        #expect(table.rows.isEmpty)
        #expect(table.note?.hasPrefix("no warnings: no run held the loop over 10ms") == true)
    }
}
