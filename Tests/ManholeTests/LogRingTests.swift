import Foundation
import Logging
import ManholeWire
import Testing
@testable import Manhole

/// A logger writing only into `ring`, as a host's would beside its own handler.
private func logger(into ring: LogRing, label: String = "test.ring") -> Logger {
    Logger(label: label) { label in MultiplexLogHandler([SwiftLogNoOpLogHandler(), ring.handler(label: label)]) }
}

@Suite("LogRing: the host's recent log lines, bounded")
struct LogRingTests {
    @Test("The ring keeps the newest `capacity` lines, oldest first, numbered from 1 without gaps")
    func boundAndOrder() {
        let ring = LogRing(capacity: 3)
        let log = logger(into: ring)
        for number in 1...5 { log.info("line \(number)") }
        let (entries, last) = ring.recent(limit: 10)
        #expect(entries.map(\.line.message) == ["line 3", "line 4", "line 5"])
        #expect(entries.map(\.sequence) == [3, 4, 5])
        #expect(last == 5)
        #expect(ring.recent(limit: 2).entries.map(\.line.message) == ["line 4", "line 5"])
    }

    @Test("A capacity outside 1…100,000 is clamped into it; the default is 1,000")
    func capacityClamp() {
        #expect(LogRing().capacity == 1_000)
        #expect(LogRing(capacity: 0).capacity == 1)
        #expect(LogRing(capacity: -5).capacity == 1)
        #expect(LogRing(capacity: Int.max).capacity == 100_000)
        #expect(LogRing(capacity: 7).capacity == 7)
    }

    @Test("A long message is cut to 2 KiB on a scalar boundary, with a marker giving its size")
    func messageCap() throws {
        let ring = LogRing()
        let log = logger(into: ring)
        let long = String(repeating: "é", count: 5_000)  // 10,000 bytes, two per character
        log.info("\(long)")
        log.info("short")
        let entries = ring.recent(limit: 2).entries
        let message = try #require(entries.first).line.message
        #expect(message.hasSuffix("…[cut: 10000 bytes]"))
        #expect(message.hasPrefix(String(repeating: "é", count: 1_024)))
        #expect(message.utf8.count <= 2_048 + "…[cut: 10000 bytes]".utf8.count)
        #expect(!message.unicodeScalars.contains("\u{FFFD}"))
        #expect(entries.last?.line.message == "short")
    }

    @Test("Metadata too big for a line is cut to 2 KiB: a long value with …, many keys counted, not kept")
    func metadataCap() throws {
        let ring = LogRing()
        let log = logger(into: ring)
        log.info("long value", metadata: ["big": "\(String(repeating: "x", count: 10_000))", "a": "1"])
        var many: Logger.Metadata = [:]
        for number in 0..<500 { many[String(format: "key%03d", number)] = "\(number)" }
        log.info("many keys", metadata: many)
        log.info("nested", metadata: ["list": ["\(String(repeating: "y", count: 5_000))"]])
        var wide: Logger.Metadata = [:]
        for number in 0..<10 { wide["k\(number)"] = "\(String(repeating: "z", count: 500))" }
        log.info("each value short, 5,000 bytes in all", metadata: wide)
        let entries = ring.recent(limit: 4).entries
        for entry in entries {
            // Formatted when written: the ring holds the cut text, not the 10,000-byte value.
            guard case .rendered = entry.line.metadata else {
                Issue.record("\(entry.line.message): kept as logged")
                continue
            }
            #expect(entry.renderedMetadata.text.utf8.count <= 2_048 + 40, "\(entry.line.message)")
        }
        let big = entries[0].renderedMetadata
        #expect(big.pairs.map(\.key) == ["a", "big"])
        #expect(big.pairs[1].value.hasSuffix("x…"))
        let keys = entries[1].renderedMetadata
        #expect(keys.omittedKeys > 0)
        #expect(keys.pairs.count + keys.omittedKeys == 500)
        #expect(keys.pairs.first?.key == "key000")
        #expect(keys.text.hasSuffix("…(\(keys.omittedKeys) more keys)"))
        #expect(entries[2].renderedMetadata.pairs.first?.value.hasSuffix("y…") == true)
        #expect(entries[3].renderedMetadata.pairs.last?.value.hasSuffix("z…") == true)
        #expect(entries[3].renderedMetadata.omittedKeys > 0)

        log.info("small", metadata: ["a": "1", "b": "\(String(repeating: "s", count: 1_000))"])
        guard case .logged = ring.recent(limit: 1).entries[0].line.metadata else {
            Issue.record("small flat metadata is formatted when read, not when written")
            return
        }
    }

    @Test("The handler keeps lines at its level (info by default) or above; recent filters by level")
    func levels() {
        let ring = LogRing()
        let log = logger(into: ring)
        log.trace("t")
        log.debug("d")
        log.info("i")
        log.warning("w")
        log.critical("c")
        #expect(ring.recent(limit: 10).entries.map(\.line.message) == ["i", "w", "c"])
        #expect(ring.recent(limit: 10, minimumLevel: .warning).entries.map(\.line.message) == ["w", "c"])
        #expect(ring.recent(limit: 1, minimumLevel: .warning).entries.map(\.line.message) == ["c"])
        #expect(ring.recent(limit: 10, minimumLevel: .critical).entries.map(\.line.level) == [.critical])

        var verbose = ring.handler(label: "verbose")
        verbose.logLevel = .trace
        Logger(label: "verbose") { _ in verbose }.trace("now kept")
        #expect(ring.recent(limit: 1).entries.map(\.line.message) == ["now kept"])
    }

    @Test("Metadata is the handler's, the provider's and the call's merged (the call's win), sorted by key, as key=value")
    func metadata() throws {
        let ring = LogRing()
        var log = Logger(label: "merge") { label in
            var handler = ring.handler(label: label)
            handler.metadataProvider = Logger.MetadataProvider { ["provided": "p", "shared": "provider"] }
            return handler
        }
        log[metadataKey: "zone"] = "eu"
        log[metadataKey: "shared"] = "handler"
        log.info("merged", metadata: ["shared": "call", "request": "two words", "count": "\(3)"])
        let entry = try #require(ring.recent(limit: 1).entries.first)
        #expect(entry.line.label == "merge")
        #expect(entry.renderedMetadata.pairs.map(\.key) == ["count", "provided", "request", "shared", "zone"])
        #expect(entry.renderedMetadata.text == #"count=3 provided=p request="two words" shared=call zone=eu"#)
    }

    @Test("A text line escapes controls and keeps a multi-line message on one line")
    func escaping() throws {
        let ring = LogRing()
        let log = logger(into: ring, label: "evil\u{1B}[2Jlabel")
        log.error("first\nsecond\r\u{1B}]0;title\u{07}\u{202E}", metadata: ["k\u{9B}": "v\nw"])
        let entry = try #require(ring.recent(limit: 1).entries.first)
        let text = LogView.Row(entry).text
        #expect(!text.contains("\n"))
        #expect(!text.unicodeScalars.contains { Quoting.isTerminalControl($0) })
        #expect(text.contains(#"evil\u{1B}[2Jlabel: first\nsecond\r\u{1B}]0;title\u{7}\u{202E} k\u{9B}=v\nw"#), "\(text)")
        #expect(text.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z error    .*/) != nil, "\(text)")
    }

    @Test("8 threads writing 1,000 lines each: exactly `capacity` lines kept, the newest, sequence numbers strictly increasing")
    func concurrentWriters() {
        let ring = LogRing(capacity: 1_000)
        let log = logger(into: ring)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for number in 0..<1_000 { log.info("line", metadata: ["thread": "\(thread)", "n": "\(number)"]) }
        }
        let (entries, last) = ring.recent(limit: 1_000)
        #expect(entries.count == 1_000)
        #expect(last == 8_000)
        #expect(entries.map(\.sequence) == Array(7_001...8_000))
        #expect(zip(entries, entries.dropFirst()).allSatisfy { $0.sequence < $1.sequence })
        #expect(ring.recent(limit: 5_000).entries.count == 1_000)
    }
}
