import BenchmarkSupport
import Reactor

/// What a gather costs beside the waits it replaces: N results submitted, then one
/// `waitForAll` against one `wait` each (the same work); and `waitForAll` over results that have
/// all finished (the gather's own bookkeeping: a tracked result and one callback per input).
enum GatherBenchmarks {
    static func run(rounds: Int) throws {
        print("\n## Gather — \(rounds) rounds each, median per round")
        let reactor = Reactor()
        defer { reactor.stop() }
        print(pad("inputs  case", 52) + padLeft("p50 ns", 10) + padLeft("p99 ns", 10) + padLeft("vs one wait each", 18))
        for count in [1, 10, 100] {
            let sequential = try samples(rounds) {
                let results = (0..<count).map { n in reactor.runInReactor { n } }
                for result in results { _ = try result.wait(timeout: .seconds(10)) }
            }
            let gathered = try samples(rounds) {
                let results = (0..<count).map { n in reactor.runInReactor { n } }
                _ = try reactor.waitForAll(results, timeout: .seconds(10))
            }
            let finished = (0..<count).map { n in reactor.runInReactor { n } }
            for result in finished { _ = try result.wait(timeout: .seconds(10)) }
            let overFinished = try samples(rounds) { _ = try reactor.waitForAll(finished, timeout: .seconds(10)) }
            for (name, row) in [
                ("submit, then one wait each", sequential), ("submit, then waitForAll", gathered),
                ("waitForAll over finished results", overFinished),
            ] {
                print(pad("\(count)       \(name)", 52) + padLeft("\(row.median)", 10) + padLeft("\(row.p99)", 10)
                    + padLeft(formatRatio(row.median, sequential.median), 18))
            }
        }
    }

    private static func samples(_ rounds: Int, _ body: () throws -> Void) throws -> Samples {
        for _ in 0..<min(200, rounds / 5) { try body() }
        var samples = Samples(capacity: rounds)
        for _ in 0..<rounds { samples.append(try time(body)) }
        return samples
    }
}
