import Foundation
import Logging
import ManholeClient
import ManholeTesting
import ManholeWire
import Testing
@testable import Manhole

@Suite("log: the host's recent log lines, over a real socket")
struct LogCommandTests {
    /// A server whose configuration holds `ring`, and a host logger writing into it beside
    /// another handler, as the guide shows.
    private func server(ring: LogRing = LogRing()) throws -> (TestServer, Logger) {
        let server = try TestServer { $0.logRing = ring }
        let host = Logger(label: "host.app") { label in
            MultiplexLogHandler([SwiftLogNoOpLogHandler(), ring.handler(label: label)])
        }
        return (server, host)
    }

    @Test("log prints the host's lines oldest first, one per line: time, level, label, message, sorted metadata")
    func text() throws {
        let (server, host) = try server()
        host.info("service started", metadata: ["port": "8080", "env": "prod"])
        host.warning("disk almost full")
        let reply = try server.connect().run("log")
        #expect(reply.kind == .ok)
        let lines = reply.payload.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines.last == "", "\(reply.payload)")
        #expect(lines[0].wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info     host\.app: service started env=prod port=8080/) != nil, "\(lines[0])")
        #expect(lines[1].hasSuffix(" warning  host.app: disk almost full"), "\(lines[1])")
    }

    @Test("--lines N shows the newest N, oldest first; without it, the newest 50")
    func lineCount() throws {
        let (server, host) = try server()
        for number in 1...60 { host.info("line \(number)") }
        let connection = try server.connect()
        let three = try connection.run("log --lines 3").payload.split(separator: "\n")
        #expect(three.map { $0.split(separator: ": ").last.map(String.init) } == ["line 58", "line 59", "line 60"])
        let all = try connection.run("log").payload.split(separator: "\n")
        #expect(all.count == 50)
        #expect(all.first?.hasSuffix(": line 11") == true)
    }

    @Test("--level LEVEL keeps the lines at that level or above")
    func levelFilter() throws {
        let (server, host) = try server()
        host.info("routine")
        host.error("broken")
        host.notice("noted")
        host.critical("down")
        let connection = try server.connect()
        let payload = try connection.run("log --level error --lines 10").payload
        #expect(payload.split(separator: "\n").map { $0.split(separator: ": ").last.map(String.init) } == ["broken", "down"])
        let none = try connection.run("log --level critical --lines 1").payload
        #expect(none.hasSuffix("critical host.app: down\n"), "\(none)")
        host.info("after")
        #expect(try connection.run("log --level CRITICAL").payload == none, "levels are case-insensitive")
    }

    @Test("A read-only user may run log, and help lists it")
    func readOnly() throws {
        let (server, host) = try server()
        host.info("visible to viewers")
        let viewer = try server.connect(user: "viewer", password: viewerPassword)
        let reply = try viewer.run("log")
        #expect(reply.kind == .ok, "\(reply.payload)")
        #expect(reply.payload.contains("host.app: visible to viewers"))
        #expect(try viewer.run("help").payload.contains("\nlog [--level LEVEL] [--lines N] "))
        #expect(try viewer.run("help log").payload.hasSuffix("read-only users may run it.\n"))
    }

    @Test("Bad --lines and --level values are answered with an error naming the bound, and the session keeps serving")
    func badArguments() throws {
        let (server, host) = try server(ring: LogRing(capacity: 200))
        host.info("still here")
        let connection = try server.connect()
        let cases: [(String, String)] = [
            ("log --lines abc", "--lines must be a whole number from 1 to 200 (the lines the host keeps), not 'abc'"),
            ("log --lines -1", "--lines must be a whole number from 1 to 200 (the lines the host keeps), not '-1'"),
            ("log --lines 0", "--lines 0 is out of range: it must be a whole number from 1 to 200"),
            ("log --lines 201", "--lines 201 is out of range"),
            ("log --lines 99999999999999999999999999", "--lines 99999999999999999999999999 is out of range"),
            ("log --lines ' 5'", "not ' 5'"),
            ("log --lines", "--lines needs a value"),
            ("log --lines 1 --lines 2", "--lines given twice"),
            ("log --level loud", "unknown level 'loud': the levels are trace, debug, info, notice, warning, error, critical"),
            ("log --tail", "unknown argument '--tail'; usage: log [--level LEVEL] [--lines N] | log --follow [--level LEVEL]"),
        ]
        for (command, message) in cases {
            let reply = try connection.run(command)
            #expect(reply.kind == .error, "\(command)")
            #expect(reply.payload.contains(message), "\(command): \(reply.payload)")
            #expect(try connection.run("log --lines 1").payload.hasSuffix("host.app: still here\n"), "after \(command)")
        }
        let json = try connection.run("log --lines x", json: true)
        #expect(json.kind == .error)
        #expect(try jsonObject(json.payload)["error"] as? String == "--lines must be a whole number from 1 to 200 (the lines the host keeps), not 'x'")
    }

    @Test("Without a ring, log answers that the host has not enabled log capture and how to")
    func noRing() throws {
        let server = try TestServer()
        let reply = try server.connect().run("log")
        #expect(reply.kind == .error)
        #expect(reply.payload.hasPrefix("log capture is not enabled: the host has not set Manhole.Configuration.logRing"))
        #expect(reply.payload.contains("MultiplexLogHandler"))
    }

    @Test("@json log is a listing: columns, and rows with seq, time, level, label, message, metadata (an object)")
    func json() throws {
        let (server, host) = try server()
        host.info("first", metadata: ["user": "ada", "attempt": "\(2)"])
        host.error("second\nline")
        let connection = try server.connect()
        let object = try jsonObject(connection.run("log", json: true).payload)
        #expect(Set(object.keys) == ["columns", "rows", "note"])
        #expect(object["columns"] as? [String] == ["seq", "time", "level", "label", "message", "metadata", "file", "line"])
        #expect(object["note"] is NSNull)
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.count == 2)
        for row in rows { #expect(Set(row.keys) == ["seq", "time", "level", "label", "message", "metadata", "file", "line"]) }
        #expect(rows.map { $0["seq"] as? Int } == [1, 2])
        #expect(rows[0]["level"] as? String == "info")
        #expect(rows[0]["label"] as? String == "host.app")
        #expect(rows[0]["message"] as? String == "first")
        #expect(rows[0]["metadata"] as? [String: String] == ["user": "ada", "attempt": "2"])
        #expect(rows[1]["message"] as? String == "second\nline", "JSON carries the message as logged")
        #expect(rows[1]["metadata"] as? [String: String] == [:])
        #expect((rows[0]["file"] as? String)?.hasSuffix("LogCommandTests.swift") == true)
        #expect(rows[0]["line"] as? Int ?? 0 > 0)
        let time = try #require(rows[0]["time"] as? String)
        #expect(time.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "\(time)")

        let empty = try jsonObject(connection.run("log --level critical", json: true).payload)
        #expect(empty["rows"] as? [Any] != nil && (empty["rows"] as? [Any])?.isEmpty == true)
        #expect(empty["note"] as? String == "no log lines at critical or above among the last 1000 the host logged")
    }

    @Test("Controls and newlines in what the host logged reach the client escaped, each entry on one line")
    func escapedOverTheWire() throws {
        let (server, host) = try server()
        host.warning("rm -rf\n$ \u{1B}]0;pwned\u{07}\u{1B}[2J", metadata: ["who\u{1B}": "x\r\ny\u{9B}"])
        let reply = try server.connect().run("log")
        #expect(reply.payload.split(separator: "\n").count == 1, "\(reply.payload)")
        #expect(!reply.payload.unicodeScalars.contains { $0 != "\n" && Quoting.isTerminalControl($0) })
        #expect(reply.payload.hasSuffix(#"host.app: rm -rf\n$ \u{1B}]0;pwned\u{7}\u{1B}[2J who\u{1B}=x\r\ny\u{9B}"# + "\n"), "\(reply.payload)")
    }
}
