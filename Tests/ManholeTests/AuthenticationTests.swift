import ManholeWire
import Foundation
import Reactor
import Testing
@testable import Manhole
import ManholeClient
import ManholeTesting

@Suite("Authentication")
struct AuthenticationTests {
    @Test("The right password logs in, and the server proves it knows the credential")
    func success() throws {
        let server = try TestServer()
        let connection = try server.raw()
        #expect(connection.greeting == "manhole/2 scram-sha-256")
        let welcome = try connection.login(user: "admin", password: adminPassword, minimumIterations: FastLogin.iterations)
        #expect(welcome.line.hasPrefix("user=admin role=admin session="))
        let reply = try connection.run("whoami")
        #expect(reply.kind == .ok)
        #expect(reply.payload.hasPrefix("user     admin\nrole     admin\nsession  "))
    }

    @Test("A wrong password is denied with 'authentication failed'")
    func wrongPassword() throws {
        let server = try TestServer()
        let connection = try server.raw()
        #expect(throws: ManholeConnection.LoginFailure.denied("authentication failed")) {
            try connection.login(user: "admin", password: "not the password", minimumIterations: FastLogin.iterations)
        }
    }

    @Test("An unknown user gets the same reply shape as a wrong password, salt stable across attempts")
    func unknownUser() throws {
        let server = try TestServer()
        func challenge(for user: String) throws -> (salt: String, iterations: String) {
            let connection = try server.raw()
            let exchange = ScramClientExchange(user: user)
            try connection.socket.write("AUTH SCRAM-SHA-256 \(exchange.clientFirst)\n")
            let frame = try connection.readFrame()
            #expect(frame.kind == .challenge)
            let fields = Dictionary(uniqueKeysWithValues: frame.payload.trimmingTrailingNewline.split(separator: ",").map {
                (String($0.prefix(1)), String($0.dropFirst(2)))
            })
            return (fields["s"] ?? "", fields["i"] ?? "")
        }
        let ghost = try challenge(for: "ghost")
        #expect(try challenge(for: "ghost").salt == ghost.salt)
        #expect(ghost.iterations == (try challenge(for: "admin")).iterations)
        #expect(ghost.salt.count == (try challenge(for: "admin")).salt.count)
        let connection = try server.raw()
        #expect(throws: ManholeConnection.LoginFailure.denied("authentication failed")) {
            try connection.login(user: "ghost", password: adminPassword, minimumIterations: FastLogin.iterations)
        }
    }

    @Test("Three failures close the connection, and each peer's failures are counted for throttling")
    func threeFailuresClose() throws {
        let server = try TestServer()
        let connection = try server.raw()
        for _ in 0..<2 {
            #expect(throws: ManholeConnection.LoginFailure.self) { try connection.login(user: "admin", password: "wrong password", minimumIterations: FastLogin.iterations) }
        }
        #expect(throws: (any Error).self) { try connection.login(user: "admin", password: "wrong password", minimumIterations: FastLogin.iterations) }
        let rest = framesUntilClosed(connection)
        #expect(rest.last?.kind == .bye)
        #expect(rest.last?.payload == "too many failed logins\n")
        // The right user is not locked out: it still logs in (after the throttle delay).
        #expect(try server.connect().run("whoami").kind == .ok)
    }

    @Test("A failure delay doubles per failure from the same peer, up to the maximum")
    func throttleGrows() {
        var throttle = LoginThrottle(base: .milliseconds(250), maximum: .seconds(8), memory: .seconds(900))
        let delays = (0..<8).map { _ in throttle.recordFailure(from: "127.0.0.1") }
        #expect(delays.map { $0.nanoseconds / 1_000_000 } == [250, 500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000])
        #expect(throttle.recordFailure(from: "10.0.0.9") == .milliseconds(250))
        #expect(throttle.failures(of: "127.0.0.1") == 8)
    }

    @Test("A connection that does not log in before the deadline is closed with a goodbye")
    func loginDeadline() throws {
        let server = try TestServer { $0.authTimeout = .milliseconds(200) }
        let connection = try server.raw()
        let frames = framesUntilClosed(connection)
        #expect(frames.map(\.kind) == [.bye])
        #expect(frames.first?.payload.hasPrefix("login timed out") == true)
    }

    @Test("Commands before login are refused and count as failures")
    func commandsBeforeLogin() throws {
        let server = try TestServer()
        let connection = try server.raw()
        try connection.socket.write("ls\n")
        let frame = try connection.readFrame()
        #expect(frame.kind == .denied)
        #expect(frame.payload == "log in first: AUTH SCRAM-SHA-256 n,,n=USER,r=NONCE\n")
    }

    @Test("The password never crosses the socket, neither clear nor as an unsalted hash")
    func passwordNotOnTheWire() throws {
        let server = try TestServer()
        var exchange = ScramClientExchange(user: "admin")
        let first = "AUTH SCRAM-SHA-256 \(exchange.clientFirst)\n"
        let connection = try server.raw()
        try connection.socket.write(first)
        let challenge = try connection.readFrame().payload.trimmingTrailingNewline
        let proof = "PROOF " + (try exchange.proof(forChallenge: challenge, password: adminPassword, minimumIterations: FastLogin.iterations)) + "\n"
        try connection.socket.write(proof)
        #expect(try connection.readFrame().kind == .welcome)
        let sent = first + proof
        #expect(!sent.contains(adminPassword))
        #expect(!sent.contains(Data(adminPassword.utf8).base64EncodedString()))
        let digest = sha256Hex(adminPassword)
        #expect(!sent.lowercased().contains(digest))
        #expect(!sent.contains(Data(sha256Bytes(adminPassword)).base64EncodedString()))
    }

    @Test("Starting without users, with a short password, or on a public address is refused")
    func unsafeConfigurations() {
        let reactor = Reactor()
        defer { reactor.stop() }
        #expect(throws: ManholeError.noUsers) { try Manhole.start(port: 0, users: [:], reactor: reactor) }
        #expect(throws: ManholeError.weakPassword(user: "admin")) { try Manhole.start(port: 0, users: ["admin": "short"], reactor: reactor) }
        #expect(throws: ManholeError.weakPassword(user: "admin")) { try Manhole.start(port: 0, users: ["admin": ""], reactor: reactor) }
        #expect(throws: ManholeError.invalidUserName("ad min")) { try Manhole.start(port: 0, users: ["ad min": adminPassword], reactor: reactor) }
        var configuration = Manhole.Configuration()
        configuration.host = "0.0.0.0"
        configuration.port = 0
        #expect(throws: ManholeError.nonLoopbackAddress("0.0.0.0")) {
            try Manhole.start(accounts: [Account(name: "admin", password: adminPassword)], configuration: configuration, reactor: reactor)
        }
    }
}
