import CoreMetrics
import Foundation
import ManholeClient
import ManholeTesting
import Testing
@testable import Manhole

/// `metrics` over a real socket, the series made with swift-metrics' API and the recorder's
/// factory (a test cannot `MetricsSystem.bootstrap`: that is once per process).
@Suite("metrics: the host's swift-metrics series, over a real socket")
struct MetricsCommandTests {
    /// The payload's lines without the heading.
    private func rows(_ payload: String) -> [Substring] {
        Array(payload.split(separator: "\n").dropFirst())
    }

    /// The cells of a text line (columns are two or more spaces apart).
    private func cells(_ line: Substring) -> [String] {
        line.split(separator: #/  +/#).map(String.init)
    }

    @Test("metrics shows each series by label: kind, dimensions and its kind's figures")
    func table() throws {
        let recorder = MetricsRecorder()
        let server = try TestServer { $0.metrics = recorder }
        let requests = Counter(label: "http.requests", dimensions: [("status", "200"), ("method", "GET")], factory: recorder.factory)
        for _ in 0..<3 { requests.increment() }
        Gauge(label: "cache.entries", factory: recorder.factory).record(42)
        let timer = CoreMetrics.Timer(label: "http.latency", factory: recorder.factory)
        timer.recordMilliseconds(3)
        timer.recordMilliseconds(5)
        let reply = try server.connect().run("metrics")
        #expect(reply.kind == .ok, "\(reply.payload)")
        let lines = reply.payload.split(separator: "\n")
        try #require(!lines.isEmpty)
        #expect(cells(lines[0]) == ["LABEL", "KIND", "DIMENSIONS", "VALUE", "COUNT", "MIN", "MAX", "P50", "P99"])
        #expect(rows(reply.payload).map(cells) == [
            ["cache.entries", "gauge", "-", "42", "1", "42", "42", "-", "-"],
            ["http.latency", "timer", "-", "-", "2", "3ms", "5ms", "3ms", "5ms"],
            ["http.requests", "counter", "method=GET,status=200", "3", "-", "-", "-", "-", "-"],
        ], "\(reply.payload)")
    }

    @Test("A prefix keeps the series whose label starts with it")
    func prefix() throws {
        let recorder = MetricsRecorder()
        let server = try TestServer { $0.metrics = recorder }
        for label in ["http.requests", "http.errors", "db.queries"] { Counter(label: label, factory: recorder.factory).increment() }
        let connection = try server.connect()
        #expect(rows(try connection.run("metrics http.").payload).map { cells($0)[0] } == ["http.errors", "http.requests"])
        #expect(rows(try connection.run("metrics db").payload).map { cells($0)[0] } == ["db.queries"])
        #expect(try connection.run("metrics nope").payload.hasSuffix("no metrics whose label starts with 'nope'\n"))
        let extra = try connection.run("metrics a b")
        #expect(extra.kind == .error)
        #expect(extra.payload.contains("usage: metrics [PREFIX]"))
    }

    @Test("@json metrics is a listing whose figures are numbers, a timer's in seconds")
    func json() throws {
        let recorder = MetricsRecorder()
        let server = try TestServer { $0.metrics = recorder }
        Counter(label: "jobs", dimensions: [("queue", "mail")], factory: recorder.factory).increment(by: 7)
        Gauge(label: "load", factory: recorder.factory).record(0.25)
        CoreMetrics.Timer(label: "job.time", factory: recorder.factory).recordMilliseconds(250)
        let object = try jsonObject(server.connect().run("metrics", json: true).payload)
        #expect(object["columns"] as? [String] == ["label", "kind", "dimensions", "value", "count", "min", "max", "p50", "p99"])
        #expect(object["note"] is NSNull)
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.map { $0["label"] as? String } == ["job.time", "jobs", "load"])
        #expect(rows[0]["kind"] as? String == "timer")
        #expect(rows[0]["value"] is NSNull)
        #expect(rows[0]["count"] as? Int == 1)
        #expect(rows[0]["max"] as? Double == 0.25)
        #expect(rows[1]["dimensions"] as? String == "queue=mail")
        #expect(rows[1]["value"] as? Int == 7)
        #expect(rows[2]["value"] as? Double == 0.25)
    }

    @Test("A gauge's fractions show to 6 significant digits, whole values without a point, NaN and infinities as words")
    func decimals() throws {
        let recorder = MetricsRecorder()
        let server = try TestServer { $0.metrics = recorder }
        let gauge = Gauge(label: "ratio", factory: recorder.factory)
        for value in [2.0, 1.0 / 3, .infinity] { gauge.record(value) }
        Gauge(label: "undefined", factory: recorder.factory).record(Double.nan)
        let connection = try server.connect()
        #expect(rows(try connection.run("metrics").payload).map(cells) == [
            ["ratio", "gauge", "-", "inf", "3", "0.333333", "inf", "-", "-"],
            ["undefined", "gauge", "-", "nan", "1", "nan", "nan", "-", "-"],
        ])
        let json = try #require(jsonObject(connection.run("metrics", json: true).payload)["rows"] as? [[String: Any]])
        #expect(json[0]["min"] as? Double == 1.0 / 3)
        #expect(json[0]["value"] as? String == "inf", "JSON has no number for it")
    }

    @Test("Without a recorder, metrics answers that the host has not enabled metrics and how to")
    func notEnabled() throws {
        let server = try TestServer()
        let reply = try server.connect().run("metrics")
        #expect(reply.kind == .error)
        #expect(reply.payload.hasPrefix("metrics are not enabled: the host has not set Manhole.Configuration.metrics"))
        #expect(reply.payload.contains("MultiplexMetricsHandler"))
    }

    @Test("Control characters in labels and dimensions are escaped, never sent to the terminal")
    func escaped() throws {
        let recorder = MetricsRecorder()
        let server = try TestServer { $0.metrics = recorder }
        Counter(label: "evil\u{1B}[2J\nlabel", dimensions: [("k\u{7}", "v\u{202E}")], factory: recorder.factory).increment()
        let payload = try server.connect().run("metrics").payload
        #expect(!payload.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{7}" || $0 == "\u{202E}" }, "\(payload)")
        #expect(payload.contains("evil\\u{1B}[2J label"), "\(payload)")
        #expect(payload.contains("k\\u{7}=v\\u{202E}"), "\(payload)")
        #expect(payload.split(separator: "\n").count == 2)
    }

    @Test("5,000 series against a bound of 1,000: 1,000 kept, 500 rows shown, the rest and the refused counted")
    func bounded() throws {
        let recorder = MetricsRecorder(maxSeries: 1_000)
        let server = try TestServer { $0.metrics = recorder }
        for number in 0..<5_000 { Counter(label: String(format: "series.%05d", number), factory: recorder.factory).increment() }
        let connection = try server.connect()
        let payload = try connection.run("metrics").payload
        let lines = payload.split(separator: "\n")
        try #require(lines.count == 1 + MetricsView.rowLimit + 1, "heading, rows, note")
        #expect(cells(lines[1])[0] == "series.00000")
        #expect(cells(lines[500])[0] == "series.00499")
        #expect(lines.last == "… 500 more (give a prefix); 4000 series not recorded: the recorder keeps at most 1000")
        #expect(rows(try connection.run("metrics series.009").payload).count == 100 + 1, "the prefix narrows to what is kept")
        #expect(try connection.run("metrics series.01").payload.hasSuffix("; 4000 series not recorded: the recorder keeps at most 1000\n"))
    }

    @Test("A read-only user may run metrics, help lists it, and a host command cannot take its name")
    func builtin() throws {
        let recorder = MetricsRecorder()
        let server = try TestServer { $0.metrics = recorder }
        Counter(label: "visible", factory: recorder.factory).increment()
        let viewer = try server.connect(user: "viewer", password: viewerPassword)
        #expect(try viewer.run("metrics").payload.contains("visible"))
        #expect(try viewer.run("help").payload.contains("\nmetrics [PREFIX] "))
        #expect(try viewer.run("help metrics").payload.hasSuffix("read-only users may run it.\n"))
        #expect(throws: ManholeError.invalidCommandName("metrics")) { try server.manhole.addCommand("metrics", help: "") { _ in "" } }
    }
}
