import Foundation
import NIOPosix
import ManholeClient
import ManholeTesting
import Reactor
import Testing
@testable import Manhole

@Suite("loop: what the reactor thread runs and what held it")
struct LoopCommandTests {
    @Test("After a body held the loop, loop --slow names its call site and how long it ran; loop reports busy share and ticks")
    func slowBodyIsListed() throws {
        let server = try TestServer()
        let connection = try server.connect()
        let line = #line + 1
        let held = server.reactor.runInReactor { () -> Int in
            Thread.sleep(forTimeInterval: 0.05)
            return 1
        }
        #expect(try held.wait(timeout: .seconds(30)) == 1)
        // The result is settled inside the run: the run is recorded as it returns, just after.
        #expect(eventually { server.reactor.activity.recentSlowRuns.contains { $0.callSite.line == line } })

        let slow = try connection.run("loop --slow")
        #expect(slow.kind == .ok)
        let row = try #require(
            slow.payload.split(separator: "\n").first { $0.contains("LoopCommandTests.swift:\(line)") }, "\(slow.payload)")
        #expect(row.hasPrefix("body"))

        let rows = try #require(try jsonObject(connection.run("loop --slow", json: true).payload)["rows"] as? [[String: Any]])
        let run = try #require(rows.first { ($0["callSite"] as? String)?.hasSuffix("LoopCommandTests.swift:\(line)") == true })
        #expect(try #require(run["durationSeconds"] as? Double) >= 0.05)

        let status = try jsonObject(connection.run("loop", json: true).payload)
        #expect(status["running"] as? String == "nothing")
        #expect(status["runningSeconds"] is NSNull)
        let busy = try #require(status["busyShareLast10s"] as? Double)
        #expect(busy > 0 && busy <= 1)
        #expect(try #require(status["tickMaxSeconds"] as? Double) >= 0.05)
        #expect(try #require(status["ticks"] as? Int) > 0)
        #expect(try connection.run("loop now").kind == .error)
    }

    @Test("A body past the watchdog's threshold is listed by loop --stalls with its call site and the stall's length")
    func stallIsListed() throws {
        let server = try TestServer()
        let connection = try server.connect()
        #expect(try connection.run("loop --stalls").payload.contains("no run has held the loop past 100ms"))
        let line = #line + 1
        let held = server.reactor.runInReactor { () -> Int in
            Thread.sleep(forTimeInterval: 0.25)
            return 1
        }
        #expect(try held.wait(timeout: .seconds(30)) == 1)
        #expect(eventually { server.reactor.watchdog?.stalls.first?.duration != nil })
        let rows = try #require(try jsonObject(connection.run("loop --stalls", json: true).payload)["rows"] as? [[String: Any]])
        let stall = try #require(rows.first { ($0["callSite"] as? String)?.hasSuffix("LoopCommandTests.swift:\(line)") == true })
        #expect(try #require(stall["durationSeconds"] as? Double) >= 0.25)
        #expect(stall["kind"] as? String == "body")
    }

    @Test("On a loop the host attached (noSetup), loop says it has no tick figures")
    func attachedLoopHasNoTicks() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let reactor = Reactor(attachingTo: group.next())
        defer { reactor.stop() }
        let table = LoopView.status(of: reactor)
        #expect(table.note?.contains("no tick figures") == true)
        #expect(!table.plainText.contains("tick p50"))
        #expect(table.plainText.contains("running"))
    }
}
