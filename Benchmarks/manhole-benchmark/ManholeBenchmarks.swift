import BenchmarkSupport
import Foundation
import Manhole
import ManholeClient
import ManholeWire
import NIOConcurrencyHelpers
import Reactor

/// Command round trips over loopback, logged in, beside a raw TCP ping-pong of the same size.
enum ManholeBenchmarks {
    static func run(commandsPerSession: Int) throws {
        print("\n## Manhole command round trip over loopback — \(commandsPerSession) commands per session")
        try inspectionWithoutNetwork()

        // The clients below run here, the manhole in a child process: the budget counts every
        // thread of the host's process but the sessions' own as host work, so clients in the
        // server's process would make the host look busy and the shell step aside for them.
        let server = try ChildManhole()
        defer { server.stop() }
        let configuration = Manhole.Configuration()

        try logins(server: server, configuration: configuration)

        print(pad("sessions  command", 50) + padLeft("p50 ns", 10) + padLeft("p99 ns", 10) + padLeft("cmds/s", 10)
            + padLeft("p50 vs floor", 14) + padLeft("vs 1 session", 14))
        for command in ["inspect config.retry.attempts", "whoami"] {
            let floor = try floorServer(answering: command, like: server)
            defer { floor.stop() }
            var oneSession: Int?
            for sessions in [1, 8] {
                let floorSamples = try roundTrips(sessions: sessions, count: commandsPerSession) {
                    try floorSession(port: floor.port, command: command)
                }
                let manholeSamples = try roundTrips(sessions: sessions, count: commandsPerSession) {
                    try manholeSession(server, command: command)
                }
                let single = oneSession ?? manholeSamples.median
                oneSession = single
                for (name, samples, isFloor) in [
                    ("raw TCP ping-pong (floor)", floorSamples, true), ("manhole: \(command)", manholeSamples, false),
                ] {
                    print(pad("\(sessions)         \(name)", 50) + padLeft("\(samples.median)", 10)
                        + padLeft("\(samples.p99)", 10) + padLeft(String(format: "%.0f", samples.perSecond), 10)
                        + padLeft(formatRatio(samples.median, floorSamples.median), 14)
                        + padLeft(isFloor ? "" : formatRatio(samples.median, single), 14))
                }
            }
        }
        // Back to back, 8 sessions queue behind one another (the floor's own p50 grows with them):
        // what the target means is that sessions working at an operator's or a script's pace do
        // not slow each other. Each sends a command every 2 ms, at a random phase.
        let command = "inspect config.retry.attempts"
        let interval = 2_000_000
        let floor = try floorServer(answering: command, like: server)
        defer { floor.stop() }
        var pacedSingle = (floor: 0, manhole: 0)
        for sessions in [1, 8] {
            let count = min(commandsPerSession, 2_000)
            let floorSamples = try roundTrips(sessions: sessions, count: count, interval: interval) {
                try floorSession(port: floor.port, command: command)
            }
            let samples = try roundTrips(sessions: sessions, count: count, interval: interval) {
                try manholeSession(server, command: command)
            }
            if sessions == 1 { pacedSingle = (floorSamples.median, samples.median) }
            for (name, rowSamples, single) in [
                ("raw TCP ping-pong (floor)", floorSamples, pacedSingle.floor),
                ("manhole: \(command)", samples, pacedSingle.manhole),
            ] {
                print(pad("\(sessions)         paced, 1 every 2 ms each: \(name)", 64) + padLeft("\(rowSamples.median)", 10)
                    + padLeft("\(rowSamples.p99)", 10) + padLeft(sessions == 1 ? "" : formatRatio(rowSamples.median, single), 14))
            }
        }
        print("(targets: one session, inspect p50 ≤ 45 µs, p99 ≤ 300 µs, whoami p50 ≤ 30 µs, ≥ 10,000 commands/s;"
            + " 8 sessions p50 ≤ 2× one session's; the peers: bash scripts/compare.sh)")
    }

    /// The inspection itself, on the reactor thread of a manhole in this process, without the network.
    private static func inspectionWithoutNetwork() throws {
        let server = try BenchmarkManhole(namespace: ["config": ChildManhole.Config()])
        defer { server.stop() }
        let (reactor, inspector) = (server.reactor, server.manhole.inspector)
        var inspections = Samples()
        for index in 0..<2_000 {
            let elapsed = try reactor.waitFor(timeout: .seconds(10)) { () -> Int in
                let start = now()
                _ = inspector.inspect("config.retry.attempts")
                return now() - start
            }
            if index >= 200 { inspections.append(elapsed) }
        }
        print("inspect config.retry.attempts on the reactor thread, no network: p50 \(inspections.median) ns, p99 \(inspections.p99) ns (target ≤ 5,000 ns)")
    }

    /// A raw TCP ping-pong server whose canned reply is the manhole's own reply to `command`.
    static func floorServer(answering command: String, like server: ChildManhole) throws -> TCPPingPongServer {
        let probe = try server.connect()
        defer { probe.close() }
        return try TCPPingPongServer(reply: probe.run(command).encoded)
    }

    /// A logged-in session on `server`: each call runs `command` and reads its reply.
    static func manholeSession(_ server: ChildManhole, command: String) throws -> () throws -> Void {
        let connection = try server.connect()
        return { _ = try connection.run(command) }
    }

    /// A connection to the raw TCP floor: each call sends `command` and reads the canned reply.
    static func floorSession(port: Int, command: String) throws -> () throws -> Void {
        let socket = try BlockingSocket(host: "127.0.0.1", port: port)
        return { try socket.write(command + "\n"); _ = try ManholeConnection.readFrame(from: socket) }
    }

    /// `sessions` threads, each with its own connection, each timing `count` round trips.
    /// With an `interval` (nanoseconds), each starts a round trip every `interval` from a random
    /// phase instead of back to back.
    static func roundTrips(
        sessions: Int, count: Int, interval: Int? = nil, connect: @escaping @Sendable () throws -> () throws -> Void
    ) throws -> Samples {
        let calls = try (0..<sessions).map { _ in Handoff(try connect()) }
        let collected = NIOLockedValueBox(Samples(capacity: sessions * count))
        let group = DispatchGroup()
        let start = now()
        for call in calls {
            group.enter()
            Thread.detachNewThread {
                var local = Samples(capacity: count)
                var next = now() + (interval.map { Int.random(in: 0..<$0) } ?? 0)
                for index in 0..<(count + 200) {
                    if let interval {
                        let wait = next - now()
                        if wait > 0 { Thread.sleep(forTimeInterval: Double(wait) / 1e9) }
                        next += interval
                    }
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
