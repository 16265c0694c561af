import BenchmarkSupport
import Foundation
import Logging
import Manhole
import ManholeClient
import ManholeTesting
import ManholeWire
import Synchronization

/// `log-flood`: what following the host's log costs the host. A host thread logs 10,000 lines a
/// second through `MultiplexLogHandler([a counting handler, ring.handler])` while doing fixed CPU
/// work, measured (a) with no session, (b) with a session in `log --follow` whose client reads
/// on another thread, (c) with a session in `log --follow` whose client never reads. The issue's
/// goal: (b)/(a) and (c)/(a) ≥ 0.95. The shell's budget is production's (5 %).
enum LogFloodBenchmarks {
    static let linesPerSecond = 10_000

    static func run(seconds: Double, rounds: Int) throws {
        print("\n## log-flood — a host thread logging \(linesPerSecond) lines/s beside fixed CPU work; \(rounds) rounds of \(seconds) s, median")
        let ring = LogRing()
        let server = try TestServer {
            $0.logRing = ring
            let production = Manhole.Configuration()
            $0.shellShare = production.shellShare
            $0.shellSlice = production.shellSlice
        }
        defer { server.stop() }
        let counter = CountingLogHandler.Count()
        let logger = Logger(label: "bench.host") { label in
            MultiplexLogHandler([CountingLogHandler(count: counter), ring.handler(label: label)])
        }
        var results: [String: [Double]] = [:]
        var told: [String: (notices: Int, lines: Int, droppedNotices: Int, droppedLines: Int)] = [:]
        for _ in 0..<rounds {
            results["a", default: []].append(host(logger, seconds: seconds).unitsPerSecond)
            for reads in [true, false] {
                let name = reads ? "b" : "c"
                let session = try server.connect()
                _ = try session.run("log --follow")
                let reader = Reader(session)
                if reads { reader.start() }
                let measured = host(logger, seconds: seconds)
                results[name, default: []].append(measured.unitsPerSecond)
                if !reads { reader.start() }
                // The watch's own count of dropped notices (reports still queued at the
                // interrupt are forgotten with the watch), then the interrupt.
                usleep(200_000)
                try session.socket.write("@json watches\n")
                try session.sendInterrupt()
                let tally = reader.finish()
                told[name] = (tally.notices, measured.lines, tally.droppedNotices, tally.droppedLines)
                session.close()
            }
        }
        let median = results.mapValues { $0.sorted()[$0.count / 2] }
        let base = median["a"]!
        print(pad("case", 44) + padLeft("work units/s", 14) + padLeft("vs (a)", 9) + "  follower told")
        for (name, label) in [("a", "(a) no session"), ("b", "(b) log --follow, client reads"), ("c", "(c) log --follow, client never reads")] {
            let value = median[name]!
            var line = pad(label, 44) + padLeft(String(format: "%.0f", value), 14) + padLeft(String(format: "%.3f", value / base), 9)
            if let told = told[name] {
                line += "  \(told.notices) line notices of \(told.lines) logged (last round); notices dropped: \(told.droppedNotices), log lines dropped: \(told.droppedLines)"
            }
            print(line)
        }
        print("lines logged through the counting handler: \(counter.value.load(ordering: .relaxed))")
    }

    /// Logs `linesPerSecond` lines a second for `seconds` while doing work units in between.
    private static func host(_ logger: Logger, seconds: Double) -> (unitsPerSecond: Double, lines: Int) {
        let result = Mutex<(Double, Int)>((0, 0))
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            defer { done.signal() }
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            var units = 0
            var lines = 0
            let start = ContinuousClock.now
            let end = start + .milliseconds(Int(seconds * 1_000))
            var now = start
            while now < end {
                // One work unit: a fixed amount of arithmetic.
                for _ in 0..<200 {
                    state ^= state << 13
                    state ^= state >> 7
                    state ^= state << 17
                }
                units += 1
                now = ContinuousClock.now
                let owed = Int(Double((now - start).components.attoseconds) / 1e18 * Double(linesPerSecond)
                    + Double((now - start).components.seconds) * Double(linesPerSecond))
                while lines < owed {
                    lines += 1
                    logger.info("request handled", metadata: ["n": "\(lines)", "path": "/api/items"])
                }
            }
            blackHole(state)
            let elapsed = now - start
            let secondsTaken = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            result.withLock { $0 = (Double(units) / secondsTaken, lines) }
        }
        done.wait()
        return result.withLock { $0 }
    }

    @inline(never)
    private static func blackHole(_ value: UInt64) { if value == 42 { print("") } }
}

/// Reads a follow's frames on its own thread until the interrupt's answer, counting what the
/// server told it: line notices, `log lines dropped`, and the notices dropped as the watch's
/// `watches` row counts them.
private final class Reader: @unchecked Sendable {
    struct Tally { var notices = 0, droppedNotices = 0, droppedLines = 0 }
    private let session: ManholeConnection
    private let done = DispatchSemaphore(value: 0)
    private var tally = Tally()

    init(_ session: ManholeConnection) { self.session = session }

    func start() {
        Thread.detachNewThread { [self] in
            // Cheap checks first: the reader shares the machine with the host it measures.
            while let frame = try? session.readAnyFrame() {
                guard frame.kind == .notice else {
                    // The `watches` listing, then the interrupt's answer.
                    guard frame.payload.contains("\"dropped\""),
                        let match = frame.payload.firstMatch(of: /"dropped":(\d+)/), let count = Int(match.1)
                    else { break }
                    tally.droppedNotices = count
                    continue
                }
                if frame.payload.hasPrefix("log lines dropped: "),
                    let match = frame.payload.firstMatch(of: /^log lines dropped: (\d+)/), let count = Int(match.1) {
                    tally.droppedLines += count
                } else if !frame.payload.hasPrefix("notices dropped: ") {
                    tally.notices += 1
                }
            }
            done.signal()
        }
    }

    func finish() -> Tally {
        done.wait()
        return tally
    }
}

/// The host's own handler in the benchmark: counts the lines, formats nothing.
private struct CountingLogHandler: LogHandler {
    final class Count: Sendable { let value = Atomic<Int>(0) }
    let count: Count
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) { count.value.add(1, ordering: .relaxed) }
}
