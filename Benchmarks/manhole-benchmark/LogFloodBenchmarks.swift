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
        var told: [String: (tally: Reader.Tally, logged: Int)] = [:]
        var unaccounted = 0
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
                try session.sendInterrupt()
                let tally = reader.finish()
                told[name] = (tally, measured.lines)
                // Every line logged during the follow was received or counted as lost, and every
                // lost one was told: by a notice, or by the interrupt's answer.
                if tally.lines + tally.lost != measured.lines || tally.told + tally.untold != tally.lost { unaccounted += 1 }
                session.close()
            }
        }
        let median = results.mapValues { $0.sorted()[$0.count / 2] }
        let base = median["a"]!
        print(pad("case", 44) + padLeft("work units/s", 14) + padLeft("vs (a)", 9) + "  follower told")
        for (name, label) in [("a", "(a) no session"), ("b", "(b) log --follow, client reads"), ("c", "(c) log --follow, client never reads")] {
            let value = median[name]!
            var line = pad(label, 44) + padLeft(String(format: "%.0f", value), 14) + padLeft(String(format: "%.3f", value / base), 9)
            if let (tally, logged) = told[name] {
                line += "  last round: \(tally.lines) lines received + \(tally.lost) lost = \(tally.lines + tally.lost) of \(logged) logged;"
                line += " lost told by notices \(tally.told) + by the answer \(tally.untold)"
            }
            print(line)
        }
        print("lines logged through the counting handler: \(counter.value.load(ordering: .relaxed))")
        print("rounds whose follow did not account for every line: \(unaccounted) of \(rounds * 2)")
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

/// Reads a follow's frames on its own thread until the interrupt's answer, counting the line
/// notices, the lost lines the notices told of (`log lines dropped: K`, `notices dropped: K`), and
/// the watch's account in the answer: lines lost in all, and those no notice told of.
private final class Reader: @unchecked Sendable {
    struct Tally { var lines = 0, told = 0, lost = 0, untold = 0 }
    private let session: ManholeConnection
    private let done = DispatchSemaphore(value: 0)
    private var tally = Tally()

    init(_ session: ManholeConnection) { self.session = session }

    func start() {
        Thread.detachNewThread { [self] in
            // Cheap checks first: the reader shares the machine with the host it measures.
            while let frame = try? session.readAnyFrame() {
                let payload = frame.payload
                guard frame.kind == .notice else {
                    if let account = payload.firstMatch(of: /\((\d+) notices? sent(?:, (\d+) lost(?:, (\d+) of them not told before)?)?\)/) {
                        tally.lost = account.2.flatMap { Int($0) } ?? 0
                        tally.untold = account.3.flatMap { Int($0) } ?? 0
                    }
                    break
                }
                if payload.contains(": request handled") {
                    tally.lines += 1
                } else if let match = payload.firstMatch(of: /^(?:log lines|notices) dropped: (\d+)/), let count = Int(match.1) {
                    tally.told += count
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
