import BenchmarkSupport
import Foundation
import Manhole
import ManholeClient
import ManholeWire

/// The latency of each expensive command, one session alone. A round trip includes the wait for
/// the shell's budget (a command that held the loop for milliseconds is paid back before the
/// next one runs); the reactor time each one holds is what `manhole-benchmark --sections
/// hostile-inspector` measures.
enum ExpensiveCommandTimes {
    /// Runs every command of ``Workload/expensiveCommands`` `repeats` times and prints its
    /// median and maximum, then the slowest.
    static func measure(_ endpoint: ServerEndpoint, repeats: Int = 9) throws {
        let connection = try ManholeConnection(host: endpoint.host, port: endpoint.port, timeout: .seconds(60))
        defer { connection.close() }
        try connection.login(user: endpoint.user, password: endpoint.password)
        print("# each expensive command alone, \(repeats) runs: median / max round trip")
        var slowest = (line: "", nanoseconds: 0)
        for line in Workload.expensiveCommands {
            var samples = Samples(capacity: repeats)
            var outcome = ""
            for _ in 0..<repeats {
                let began = now()
                let frame = try connection.run(line)
                samples.append(now() - began)
                outcome = "\(frame.kind.rawValue): \(frame.payload.prefix(70).split(separator: "\n").first ?? "")"
            }
            let maximum = samples.percentile(1)
            if maximum > slowest.nanoseconds { slowest = (line, maximum) }
            let times = String(format: "%9.3f / %9.3f ms", Double(samples.median) / 1e6, Double(maximum) / 1e6)
            print("  " + line.padding(toLength: 30, withPad: " ", startingAt: 0) + times + "   " + outcome)
        }
        print("slowest round trip: \(slowest.line) " + String(format: "%.3f ms", Double(slowest.nanoseconds) / 1e6)
            + " (mostly the wait for the shell's budget; reactor time: manhole-benchmark --sections hostile-inspector)")
    }
}
