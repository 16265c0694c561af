import Foundation
import ManholeTesting
import Inspector
import Logging
import Reactor
import Testing
@testable import Manhole
import ManholeClient
import InMemoryLogging

/// What a hostile read-only user aims `inspect` and `complete` at.
struct InspectionTarget: Sendable {
    var tags: Set<String> = ["red", "green", "blue"]
    var sorted: Set<Int> = Set(0..<100)
    var list = [1, 2, 3]
    var byName = ["a": 1, "b": 2]
    var byNumber = [1: "one", 2: "two"]
    var text = "hello"
    var nested: [String: [Set<Int>]] = ["k": [[1, 2]]]
}

/// A key found only by scanning (it cannot be made from text).
struct ScannedID: Hashable, Sendable, CustomStringConvertible {
    var id: Int
    var description: String { "id-\(id)" }
}

/// A value whose description tries to drive the operator's terminal.
struct TerminalAttack: Sendable, CustomStringConvertible {
    var description: String { "owned\u{9B}2J\u{9D}52;c;Zm9v\u{07}\u{1B}[31m\u{202E}txt\u{7F}" }
}

struct Boom: Error, CustomStringConvertible {
    var description: String { "boom for the log" }
}

@Suite("Hostile inspection over real sockets: a read-only user cannot crash, freeze or hijack the host", .serialized)
struct HostileInspectionTests {
    static let numbers = [
        "9223372036854775807", "9223372036854775806", "-9223372036854775808", "-1", "99999999999999999999999",
        "4294967296",
    ]

    @Test("inspect and complete with Int.max, Int.min, -1 and huge indexes on sets, arrays, dictionaries and strings get errors; the session and the server keep serving")
    func hostileIndexes() throws {
        let server = try TestServer(namespace: ["x": InspectionTarget()])
        try withBystander(server) {
            let session = try server.connect(user: "viewer", password: viewerPassword)
            for number in Self.numbers {
                for member in ["tags", "sorted", "list", "byName", "byNumber", "text", "nested[k][0]"] {
                    let path = "x.\(member)[\(number)]"
                    let reply = try session.run("inspect \(path)")
                    #expect(reply.kind == .error, "\(path): \(reply.payload)")
                    for partial in [path + ".", path + "[", path + "[1", "x.\(member)[\(number)"] {
                        let completion = try session.run("complete inspect \(partial)")
                        #expect(completion.kind == .ok, "\(partial): \(completion.payload)")
                    }
                }
            }
            #expect(try session.run("inspect x.sorted[99]").payload == "x.sorted[99]: Int = 99\n")
            #expect(try session.run("whoami").payload.hasPrefix("user     viewer\nrole     read-only\nsession  "))
            let other = try server.connect()
            #expect(try other.run("inspect x.tags[0]").payload == "x.tags[0]: String = \"blue\"\n")
        }
    }

    @Test("A miss on a huge dictionary whose keys must be scanned stops at the work limit and says so")
    func hugeDictionaryMiss() throws {
        let count = runningUnderSanitizer ? 50_000 : 200_000
        let big = Dictionary(uniqueKeysWithValues: (0..<count).map { (ScannedID(id: $0), $0) })
        let strings = Dictionary(uniqueKeysWithValues: (0..<count).map { ("user:\($0)", $0) })
        let server = try TestServer(namespace: ["big": big, "strings": strings])
        try withBystander(server) {
            let session = try server.connect(user: "viewer", password: viewerPassword)
            for path in ["big[nope]", "big[-1]", "big[\"nope\"]"] {
                let reply = try session.run("inspect \(path)")
                #expect(reply.kind == .error)
                #expect(reply.payload.contains("keys (work limit); use an index or a narrower path"), "\(reply.payload)")
                #expect(reply.payload.contains("of \(count) keys"), "\(reply.payload)")
            }
            let miss = try session.run("inspect strings[\"user:x\"]")
            #expect(miss.kind == .error)
            #expect(miss.payload.contains("has no key \"user:x\""), "\(miss.payload)")
            #expect(try session.run("inspect strings[\"user:7\"]").payload == "strings[\"user:7\"]: Int = 7\n")
            #expect(try session.run("complete inspect big[id-1").kind == .ok)
            #expect(try session.run("whoami").payload.hasPrefix("user     viewer\nrole     read-only\nsession  "))
        }
    }

    @Test("Descriptions, keys and labels that hold terminal escapes reach the client escaped")
    func terminalEscapes() throws {
        let server = try TestServer(namespace: [
            "attack": TerminalAttack(), "keys": ["k\u{9B}\u{202E}": TerminalAttack()], "text": "a\u{9D}b\u{2066}",
        ])
        let session = try server.connect(user: "viewer", password: viewerPassword)
        for command in ["ls", "inspect attack", "inspect keys", "inspect text", "inspect keys[\"k\\u{9B}\\u{202E}\"]"] {
            let reply = try session.run(command)
            #expect(reply.kind == .ok, "\(command): \(reply.payload)")
            #expect(!holdsTerminalControl(reply.payload), "\(command): \(reply.payload.debugDescription)")
        }
        #expect(try session.run("inspect attack").payload.contains(#"owned\u{9B}2J\u{9D}52;c;Zm9v\u{7}\u{1B}[31m\u{202E}txt\u{7F}"#))
    }

    @Test("A failure peeked at with 'result N' is still logged as unhandled when its result is released")
    func peekingIsNotHandling() throws {
        let capture = InMemoryLogHandler()
        let reactor = Reactor(configuration: .init(logger: Logger(label: "test.capture") { _ in capture }))
        var configuration = Manhole.Configuration()
        configuration.port = 0
        configuration.pbkdf2Iterations = FastLogin.iterations
        configuration.logger.logLevel = .error
        let manhole = try Manhole.start(
            accounts: [Account(name: "viewer", password: viewerPassword, role: .readOnly)], configuration: configuration,
            reactor: reactor)
        defer {
            manhole.stop()
            reactor.stop()
        }
        let id = reactor.runInReactor { () throws -> Int in throw Boom() }.stash()
        #expect(eventually { reactor.stashedResults().first?.state == .failed })
        let session = try ManholeConnection(port: manhole.port, timeout: .seconds(30))
        try session.login(user: "viewer", password: viewerPassword, minimumIterations: FastLogin.iterations)
        let peek = try session.run("result \(id)")
        #expect(peek.kind == .ok)
        #expect(peek.payload.contains("boom for the log"), "\(peek.payload)")
        #expect(try session.run("results").payload.contains("failed"))
        do {
            let retrieved = try reactor.retrieveResult(id, as: Int.self)
            #expect(retrieved.state == .failed)
        }
        #expect(
            eventually(within: .seconds(10)) {
                capture.entries.map(\.line).contains { $0.contains("unhandled failure in reactor result") && $0.contains("result=\(id)") }
            }, "\(capture.entries.map(\.line))")
    }
}
