import ManholeTesting
import Foundation
import Reactor
import Testing
@testable import Manhole
import ManholeClient

/// Every view over a real session: every listing answers `@json` in one shape, every record in
/// another, and every duration is written one way.
@Suite("Output conventions: every table, duration and JSON shape alike")
struct OutputConventionsTests {
    /// A server with something in every listing: an object, a stashed result, a live timer.
    private func serverWithContent() throws -> (TestServer, ManholeConnection, resultID: Int, timer: DelayedCall) {
        let server = try TestServer(namespace: ["app": App()])
        let reactor = server.reactor
        let resultID = reactor.runInReactor { "finished" }.stash()
        let timer = reactor.callLater(.seconds(3_600), name: "refresh") {}
        _ = try reactor.waitFor(timeout: .seconds(30)) { () }
        return (server, try server.connect(), resultID, timer)
    }

    @Test("Every listing's @json reply is {columns, rows, note}: rows keyed by the columns, ids and counts as numbers")
    func listings() throws {
        let (server, connection, _, timer) = try serverWithContent()
        defer { timer.cancel() }
        _ = server
        for command in ["ls", "help", "results", "results --all", "timers", "sessions"] {
            let reply = try connection.run(command, json: true)
            #expect(reply.kind == .ok, "\(command)")
            let object = try jsonObject(reply.payload)
            #expect(Set(object.keys) == ["columns", "rows", "note"], "\(command): \(reply.payload)")
            let columns = try #require(object["columns"] as? [String], "\(command)")
            let rows = try #require(object["rows"] as? [[String: Any]], "\(command): \(reply.payload)")
            #expect(!rows.isEmpty, "\(command)")
            #expect(object["note"] is String || object["note"] is NSNull, "\(command)")
            for row in rows { #expect(Set(row.keys) == Set(columns), "\(command)") }
            if columns.contains("id") {
                #expect(rows.allSatisfy { $0["id"] is Int }, "\(command): ids are numbers")
            }
            for key in columns where key.hasSuffix("Seconds") {
                #expect(rows.allSatisfy { $0[key] is Double || $0[key] is NSNull }, "\(command): \(key) is seconds")
            }
        }
    }

    @Test("Every record's @json reply is one object: numbers, flags and seconds as JSON values, not text")
    func records() throws {
        let (server, connection, resultID, timer) = try serverWithContent()
        defer { timer.cancel() }
        _ = server
        let stats = try jsonObject(try connection.run("stats", json: true).payload)
        #expect(stats["uptimeSeconds"] is Double || stats["uptimeSeconds"] is NSNull)
        #expect(stats["threads"] is Int || stats["threads"] is NSNull)
        let reactor = try jsonObject(try connection.run("reactor", json: true).payload)
        #expect(reactor["reactorRunningSeconds"] is Double)
        #expect(reactor["manholeRunningSeconds"] is Double)
        #expect(reactor["liveTimers"] as? Int == 1)
        #expect(reactor["sessionsLoggedIn"] as? Int == 1)
        #expect(reactor["stopped"] as? Bool == false)
        let result = try jsonObject(try connection.run("result \(resultID)", json: true).payload)
        #expect(result["id"] as? Int == resultID)
        #expect(result["ageSeconds"] is Double)
        #expect(result["stashed"] as? Bool == true)
        #expect(result["value"] is [String: Any])
        for record in [stats, reactor, result] {
            #expect(record["columns"] == nil && record["rows"] == nil)
            for (key, value) in record where key.hasSuffix("Seconds") { #expect(value is Double || value is NSNull, "\(key)") }
        }
    }

    @Test("stats and reactor print every duration in the one format; only the process has an uptime")
    func durations() throws {
        let (server, connection, _, timer) = try serverWithContent()
        defer { timer.cancel() }
        _ = server
        let stats = fields(try connection.run("stats").payload)
        let reactor = fields(try connection.run("reactor").payload)
        for label in ["uptime", "cpu time", "user cpu time", "system cpu time"] {
            let value = try #require(stats[label], "\(label)")
            #expect(value == "-" || isInTheOneDurationFormat(value), "stats \(label): \(value)")
        }
        for label in ["reactor running for", "manhole running for"] {
            let value = try #require(reactor[label], "\(label)")
            #expect(isInTheOneDurationFormat(value), "reactor \(label): \(value)")
        }
        #expect(!reactor.keys.contains { $0.contains("uptime") })
    }

    /// A record's text as label → value (labels and values are two or more spaces apart).
    private func fields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let gap = line.firstRange(of: "  ") else { continue }
            fields[String(line[..<gap.lowerBound])] = line[gap.upperBound...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }
}
