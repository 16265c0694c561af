import ManholeWire
import Foundation
import ManholeTesting
import Testing
@testable import Manhole
import ManholeClient

@Suite("Pending-login slots go to connections that log in, not to silent ones")
struct PendingLoginTests {
    @Test("Every slot held by a silent connection, reopened as it is evicted: a real login still gets in, evicting the one silent longest, never one that is logging in")
    func silentConnectionsCannotKeepEveryoneOut() throws {
        // Production: 32 slots, authTimeout 10 s (a connection silent for 1 s can be evicted).
        let server = try TestServer {
            $0.maxPendingLogins = 4
            $0.authTimeout = .seconds(6)
        }
        var silent = try (0..<3).map { _ in try server.raw() }
        // The fourth is logging in: it has its challenge and computes its proof.
        let active = try server.raw()
        var exchange = ScramClientExchange(user: "admin")
        try active.socket.write("AUTH SCRAM-SHA-256 \(exchange.clientFirst)\n")
        let challenge = try active.readFrame()
        #expect(challenge.kind == .challenge)
        // Silent for longer than a tenth of the login deadline.
        usleep(700_000)
        for round in 0..<3 {
            // A newcomer logs in: it takes the slot of the connection silent longest…
            let newcomer = try server.raw()
            try newcomer.login(user: "admin", password: adminPassword, minimumIterations: FastLogin.iterations)
            #expect(try newcomer.run("whoami").kind == .ok)
            let evicted = silent.removeFirst()
            #expect(framesUntilClosed(evicted).map(\.payload) == ["evicted: too many connections logging in\n"], "round \(round)")
            // …and the attacker reopens it at once: the slots are full again.
            silent.append(try server.raw())
            usleep(700_000)
        }
        // The connection that was logging in kept its slot all along.
        try active.socket.write("PROOF \(try exchange.proof(forChallenge: challenge.payload.trimmingTrailingNewline, password: adminPassword, minimumIterations: FastLogin.iterations))\n")
        #expect(try active.readFrame().kind == .welcome)
    }

    @Test("A newcomer is refused while every pending connection spoke within the grace (a tenth of the login deadline)")
    func refusedWithinGrace() throws {
        let server = try TestServer {
            $0.maxPendingLogins = 2
            $0.authTimeout = .seconds(20)
        }
        let first = try server.raw()
        let second = try server.raw()
        #expect(throws: ManholeConnection.LoginFailure.refused("too many connections logging in at once (the limit is 2)")) {
            try server.raw()
        }
        try first.login(user: "admin", password: adminPassword, minimumIterations: FastLogin.iterations)
        try second.login(user: "admin", password: adminPassword, minimumIterations: FastLogin.iterations)
    }
}
