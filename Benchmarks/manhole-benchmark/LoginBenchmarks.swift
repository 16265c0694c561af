import BenchmarkSupport
import Foundation
import Manhole
import ManholeClient
import ManholeWire

extension ManholeBenchmarks {
    /// Login time, with the production PBKDF2 iteration count (the client derives the key), and
    /// the server's CPU per login (all of its threads, read from /proc) beside a bare SwiftNIO
    /// server's for the same shape of exchange (connect, three lines each way, close), measured
    /// twice: spaced as real logins are (each client spends about 22 ms on PBKDF2 inside its login,
    /// between the challenge and the proof, so the server's core goes idle and wakes cold, on this
    /// VM a wake from idle), and back to back (the client reuses its salted password, RFC 5802
    /// §5.1), which is the server's own work. The floor's connections are spaced by the logins'
    /// median time in the first case (a sleep between them), in the second not.
    static func logins(server: ChildManhole, configuration: Manhole.Configuration) throws {
        let count = 30
        let user = BenchmarkManhole.user
        let password = BenchmarkManhole.password
        var times = Samples()
        let cpuBefore = server.cpuNanoseconds
        for _ in 0..<count {
            let connection = try ManholeConnection(port: server.port)
            times.append(try time { try connection.login(user: user, password: password) })
            connection.close()
        }
        let spacedCPU = server.cpuNanoseconds - cpuBefore
        let spacedFloor = try floorExchanges(server: server, count: count, gap: times.median)
        let cache = SaltedPasswordCache()
        try ManholeConnection(port: server.port).login(user: user, password: password, saltedPasswords: cache)
        let hotCount = 200
        let hotBefore = server.cpuNanoseconds
        for _ in 0..<hotCount {
            let connection = try ManholeConnection(port: server.port)
            try connection.login(user: user, password: password, saltedPasswords: cache)
            connection.close()
        }
        let hotCPU = server.cpuNanoseconds - hotBefore
        guard cache.hits >= hotCount else { throw BenchmarkError("the back-to-back logins derived their keys again") }
        let hotFloor = try floorExchanges(server: server, count: hotCount, gap: 0)
        print("login (SCRAM-SHA-256, \(configuration.pbkdf2Iterations) PBKDF2 iterations on the client): "
            + "p50 \(times.median / 1_000) µs, p99 \(times.p99 / 1_000) µs (target p50 ≤ 30,000 µs)")
        print("server CPU per whole login (connect, HELLO, 2 AUTH steps, welcome, close), target ≤ 100 µs:")
        print("  spaced as real logins (\(count), each client deriving its key): \(spacedCPU / count / 1_000) µs; "
            + "bare SwiftNIO server, same exchange as far apart: \(spacedFloor / count / 1_000) µs "
            + "(\(formatRatio(spacedCPU, max(1, spacedFloor))))")
        print("  back to back (\(hotCount), the salted password reused): \(hotCPU / hotCount / 1_000) µs; "
            + "bare SwiftNIO server, same exchange back to back: \(hotFloor / hotCount / 1_000) µs "
            + "(\(formatRatio(hotCPU, max(1, hotFloor))))")
    }

    /// The server's CPU for `count` floor exchanges (connect, three lines each way, close) against
    /// the bare SwiftNIO server in the same child, `gap` nanoseconds apart.
    static func floorExchanges(server: ChildManhole, count: Int, gap: Int) throws -> Int {
        let before = server.cpuNanoseconds
        for _ in 0..<count {
            let socket = try BlockingSocket(host: "127.0.0.1", port: server.floorPort)
            for _ in 0..<3 {
                try socket.write("HELLO\n")
                _ = try ManholeConnection.readFrame(from: socket)
            }
            socket.close()
            if gap > 0 { Thread.sleep(forTimeInterval: Double(gap) / 1e9) }
        }
        return server.cpuNanoseconds - before
    }
}
