import BenchmarkSupport
import Dispatch
import Foundation
import Manhole
import ManholeClient
import ManholeWire
import Reactor

/// What an operator sees while a host body holds the reactor thread: the shell's round trips
/// (`whoami`), a login, and a reactor-bound read (`inspect`, answered "busy" within the bound),
/// each beside the same figure with the reactor idle.
enum WedgedReactorBenchmarks {
    struct App: Sendable {
        let name = "bench"
    }

    static func run(commands: Int) throws {
        print("\n## A wedged reactor: the shell while a host body blocks the reactor thread")
        let server = try BenchmarkManhole(namespace: ["app": App()])
        defer { server.stop() }
        let reactor = server.reactor
        let connection = try server.connect()

        let idle = try measure(connection, server: server, commands: commands)
        let release = DispatchSemaphore(value: 0)
        let wedge = reactor.runInReactor { release.wait() }
        defer {
            release.signal()
            _ = try? wedge.wait(timeout: .seconds(10))
        }
        while reactor.activity.current == nil { usleep(100) }
        let wedged = try measure(connection, server: server, commands: commands)
        print(pad("what", 44) + padLeft("idle p50", 12) + padLeft("idle p99", 12) + padLeft("wedged p50", 12) + padLeft("wedged p99", 12))
        for (name, idleSamples, wedgedSamples) in [
            ("whoami round trip (µs)", idle.whoami, wedged.whoami),
            ("login, 210,000 PBKDF2 iterations (µs)", idle.logins, wedged.logins),
            ("inspect app.name: value / busy reply (µs)", idle.inspect, wedged.inspect),
        ] {
            print(pad(name, 44) + padLeft("\(idleSamples.median / 1_000)", 12) + padLeft("\(idleSamples.p99 / 1_000)", 12)
                + padLeft("\(wedgedSamples.median / 1_000)", 12) + padLeft("\(wedgedSamples.p99 / 1_000)", 12))
        }
        print("(wedged: every whoami and login answered while the body held the reactor; every inspect answered busy "
            + "after the \(Manhole.Configuration().reactorWaitLimit) bound: \(wedged.busyReplies) of \(wedged.inspect.count))")
    }

    private struct Figures {
        var whoami = Samples()
        var logins = Samples()
        var inspect = Samples()
        var busyReplies = 0
    }

    private static func measure(_ connection: ManholeConnection, server: BenchmarkManhole, commands: Int) throws -> Figures {
        var figures = Figures()
        for index in 0..<(commands + 200) {
            let elapsed = try time { _ = try connection.run("whoami") }
            if index >= 200 { figures.whoami.append(elapsed) }
        }
        for _ in 0..<5 {
            let fresh = try ManholeConnection(port: server.port)
            figures.logins.append(try time { try fresh.login(user: BenchmarkManhole.user, password: BenchmarkManhole.password) })
            fresh.close()
        }
        for _ in 0..<5 {
            var frame: Frame?
            figures.inspect.append(try time { frame = try connection.run("inspect app.name") })
            if frame?.kind == .error, frame?.payload.contains("the reactor has been busy") == true { figures.busyReplies += 1 }
        }
        return figures
    }
}
