import BenchmarkSupport
import Foundation
import Manhole
import ManholeClient
import ManholeWire
import NIOConcurrencyHelpers
import Reactor

/// Command round trips over loopback, logged in, beside a raw TCP ping-pong of the same size.
enum ManholeBenchmarks {
    struct Items: Sendable {
        let items = Array(0..<1_000)
        let name = "bench"
    }

    static func run(commandsPerSession: Int) throws {
        print("\n## Manhole command round trip over loopback — \(commandsPerSession) commands per session")
        let server = try BenchmarkManhole(namespace: ["app": Items()]) {
            $0.maxSessions = 64
            $0.maxSessionsPerUser = 64
        }
        defer { server.stop() }
        let (reactor, manhole) = (server.reactor, server.manhole)
        let password = BenchmarkManhole.password
        let configuration = Manhole.Configuration()

        // The inspection itself, on the reactor thread, without the network.
        let inspector = manhole.inspector
        var inspections = Samples()
        for index in 0..<2_000 {
            let elapsed = try reactor.waitFor(timeout: .seconds(10)) { () -> Int in
                let start = now()
                _ = inspector.inspect("app.items.count")
                return now() - start
            }
            if index >= 200 { inspections.append(elapsed) }
        }
        print("inspect app.items.count on the reactor thread, no network: p50 \(inspections.median) ns, p99 \(inspections.p99) ns")

        // Login time, with the production PBKDF2 iteration count (the client derives the key).
        var logins = Samples()
        for _ in 0..<10 {
            let connection = try ManholeConnection(port: manhole.port)
            logins.append(try time { try connection.login(user: "bench", password: password) })
            connection.close()
        }
        print("login (SCRAM-SHA-256, \(configuration.pbkdf2Iterations) PBKDF2 iterations on the client): "
            + "p50 \(logins.median / 1_000) µs, p99 \(logins.p99 / 1_000) µs")

        print(pad("sessions  command", 50) + padLeft("p50 ns", 10) + padLeft("p99 ns", 10) + padLeft("cmds/s", 10)
            + padLeft("p50 vs floor", 14))
        for command in ["inspect app.items.count", "whoami"] {
            let probe = try ManholeConnection(port: manhole.port)
            try probe.login(user: "bench", password: password)
            let frame = try probe.run(command)
            probe.close()
            let floor = try TCPPingPongServer(reply: frame.encoded)
            defer { floor.stop() }
            for sessions in [1, 8] {
                let floorSamples = try roundTrips(sessions: sessions, count: commandsPerSession) {
                    let socket = try BlockingSocket(host: "127.0.0.1", port: floor.port)
                    return { try socket.write(command + "\n"); _ = try ManholeConnection.readFrame(from: socket) }
                }
                let manholeSamples = try roundTrips(sessions: sessions, count: commandsPerSession) {
                    let connection = try ManholeConnection(port: manhole.port)
                    try connection.login(user: "bench", password: password)
                    return { _ = try connection.run(command) }
                }
                for (name, samples) in [("raw TCP ping-pong (floor)", floorSamples), ("manhole: \(command)", manholeSamples)] {
                    print(pad("\(sessions)         \(name)", 50) + padLeft("\(samples.median)", 10)
                        + padLeft("\(samples.p99)", 10) + padLeft(String(format: "%.0f", samples.perSecond), 10)
                        + padLeft(formatRatio(samples.median, floorSamples.median), 14))
                }
            }
        }
        print("(same machine, for reference: python-manhole ~80 µs, Twisted manhole ~475 µs, aiomonitor ~44 ms per command)")
    }

    /// `sessions` threads, each with its own connection, each timing `count` round trips.
    static func roundTrips(
        sessions: Int, count: Int, connect: @escaping @Sendable () throws -> () throws -> Void
    ) throws -> Samples {
        let calls = try (0..<sessions).map { _ in Handoff(try connect()) }
        let collected = NIOLockedValueBox(Samples(capacity: sessions * count))
        let group = DispatchGroup()
        let start = now()
        for call in calls {
            group.enter()
            Thread.detachNewThread {
                var local = Samples(capacity: count)
                for index in 0..<(count + 200) {
                    let began = now()
                    try? call.value()
                    if index >= 200 { local.append(now() - began) }
                }
                collected.withLockedValue { $0.append(contentsOf: local) }
                group.leave()
            }
        }
        group.wait()
        var samples = collected.withLockedValue { $0 }
        samples.wallNanoseconds = now() - start
        return samples
    }
}
