import Foundation
import ManholeTesting
import Logging
import Testing
@testable import Manhole
import ManholeClient
import InMemoryLogging

/// The production session caps, which `TestServer` relaxes for the other tests.
private func productionSlots(_ configuration: inout Manhole.Configuration) {
    configuration.maxSessions = 16
    configuration.maxSessionsPerUser = 4
    configuration.adminReservedSessions = 2
}

/// The session id a welcome line reports (`user=… role=… session=N`).
private func sessionID(of connection: ManholeConnection) throws -> Int {
    try #require(connection.welcome?.session)
}

@Suite("Session slots: per-user cap, admin-only slots, kick")
struct SessionSlotTests {
    @Test("A user's fifth session is refused with a goodbye that says why; other users still log in")
    func perUserCap() throws {
        let server = try TestServer(configure: productionSlots)
        let held = try (0..<4).map { _ in try server.connect(user: "viewer", password: viewerPassword) }
        #expect(throws: ManholeConnection.LoginFailure.refused(
            "too many sessions for user 'viewer' (the limit is 4 per user); close one or try again later")
        ) {
            try server.connect(user: "viewer", password: viewerPassword)
        }
        #expect(try server.connect().run("whoami").kind == .ok)
        for connection in held { #expect(try connection.run("whoami").kind == .ok) }
    }

    @Test("Read-only users fill 14 of 16 sessions; the 15th read-only login is refused while admins still log in")
    func adminOnlySlots() throws {
        let server = try TestServer { configuration in
            productionSlots(&configuration)
            configuration.maxSessionsPerUser = 16
        }
        let viewers = try (0..<14).map { _ in try server.connect(user: "viewer", password: viewerPassword) }
        #expect(throws: ManholeConnection.LoginFailure.refused(
            "every session open to read-only users is taken (14; 2 more are kept for admins); try again later")
        ) {
            try server.connect(user: "viewer", password: viewerPassword)
        }
        let admins = try (0..<2).map { _ in try server.connect() }
        for admin in admins { #expect(try admin.run("whoami").kind == .ok) }
        #expect(viewers.count == 14)
        #expect(server.manhole.sessions.filter { $0.user != nil }.count == 16)
    }

    @Test("kick closes the target with its goodbye, is logged, and frees the slot at once")
    func kickFreesTheSlot() throws {
        let capture = InMemoryLogHandler()
        let server = try TestServer { configuration in
            productionSlots(&configuration)
            configuration.logger = Logger(label: "test.kick") { _ in capture }
        }
        let viewers = try (0..<4).map { _ in try server.connect(user: "viewer", password: viewerPassword) }
        let admin = try server.connect()
        let adminID = try sessionID(of: admin)
        let targetID = try sessionID(of: viewers[0])

        let listing = try admin.run("sessions")
        #expect(listing.payload.contains("\n\(targetID) ") && listing.payload.contains("\n\(adminID) "))
        #expect(listing.payload.hasSuffix("this session: \(adminID)\n"))
        let reply = try admin.run("kick \(targetID)")
        #expect(reply.kind == .ok)
        #expect(reply.payload == "kicked session \(targetID) (user viewer)\n")

        let frames = framesUntilClosed(viewers[0])
        #expect(frames.map(\.kind) == [.bye])
        #expect(frames.first?.payload == "kicked by admin (session \(adminID))\n")
        // The slot is free at once: a fifth viewer session fits under the per-user cap of 4.
        #expect(try server.connect(user: "viewer", password: viewerPassword).run("whoami").kind == .ok)
        #expect(try viewers[1].run("whoami").kind == .ok)
        #expect(capture.entries.map(\.line).contains {
            $0.hasPrefix("notice session kicked ") && $0.contains("kicked=\(targetID)") && $0.contains("kickedUser=viewer")
                && $0.contains("user=admin")
        })
    }

    @Test("kick of an unknown session or of one's own is a clear error; a bad id gets the usage")
    func kickErrors() throws {
        let server = try TestServer(configure: productionSlots)
        let admin = try server.connect()
        let own = try sessionID(of: admin)
        #expect(try admin.run("kick 999").payload == "no session 999 (see 'sessions')\n")
        #expect(try admin.run("kick \(own)").payload == "session \(own) is your own: use quit to end it\n")
        for bad in ["kick", "kick -1x", "kick 99999999999999999999999", "kick 1 2"] {
            let reply = try admin.run(bad)
            #expect(reply.kind == .error)
            #expect(reply.payload == "usage: kick SESSION\n", "\(bad)")
        }
        #expect(try admin.run("kick -5").payload == "no session -5 (see 'sessions')\n")
        #expect(try admin.run("whoami").kind == .ok)
    }

    @Test("kick also ends a connection still logging in, which can then not log in")
    func kickPendingLogin() throws {
        let server = try TestServer(configure: productionSlots)
        let admin = try server.connect()
        let pending = try server.raw()
        let pendingID = try #require(server.manhole.sessions.first { $0.user == nil }?.id)
        #expect(try admin.run("kick \(pendingID)").payload == "kicked session \(pendingID) (still logging in)\n")
        #expect(throws: (any Error).self) { try pending.login(user: "admin", password: adminPassword, minimumIterations: FastLogin.iterations) }
        #expect(server.manhole.sessions.map(\.id) == [try sessionID(of: admin)])
    }

    @Test("A read-only user cannot kick: the target keeps its session")
    func readOnlyCannotKick() throws {
        let server = try TestServer(configure: productionSlots)
        let target = try server.connect()
        let viewer = try server.connect(user: "viewer", password: viewerPassword)
        let reply = try viewer.run("kick \(try sessionID(of: target))")
        #expect(reply.kind == .error)
        #expect(reply.payload == "permission denied: 'kick' changes the process and user 'viewer' is read-only\n")
        #expect(try target.run("whoami").kind == .ok)
    }
}
