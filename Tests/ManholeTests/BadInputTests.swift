import ManholeWire
import Foundation
import Testing
@testable import Manhole
import ManholeClient
import ManholeTesting

@Suite("Bad input")
struct BadInputTests {
    @Test("Invalid UTF-8, NUL bytes, telnet negotiation and binary garbage get a clear error each")
    func garbage() throws {
        let server = try TestServer()
        let connection = try server.connect()
        let cases: [([UInt8], String)] = [
            ([0x66, 0xC3, 0x28, 0x0A], "the line is not valid UTF-8; it was discarded\n"),
            ([0x6C, 0x73, 0x00, 0x0A], "the line holds NUL or control bytes; it was discarded\n"),
            ([0xFF, 0xFD, 0x18, 0x0A], "telnet negotiation is not supported (use manhole-client or a raw TCP client)\n"),
            ([0x1B, 0x5B, 0x41, 0x0A], "the line holds NUL or control bytes; it was discarded\n"),
        ]
        for (bytes, message) in cases {
            try connection.socket.write(bytes)
            let reply = try connection.readFrame()
            #expect(reply.kind == .error)
            #expect(reply.payload == message)
        }
        var generator = SystemRandomNumberGenerator()
        var noise = (0..<4_096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        noise.removeAll { $0 == 0x0A }
        try connection.socket.write(noise + [0x0A])
        #expect(try connection.readFrame().kind == .error)
        #expect(try connection.run("whoami").kind == .ok)
    }

    @Test("Garbage before login counts as failed attempts and ends the connection")
    func garbageBeforeLogin() throws {
        let server = try TestServer()
        let connection = try server.raw()
        try connection.socket.write([0xFF, 0xFB, 0x01, 0x0A, 0x00, 0x0A, 0xC3, 0x0A])
        let frames = framesUntilClosed(connection)
        #expect(frames.map(\.kind) == [.denied, .denied, .denied, .bye])
        #expect(frames.first?.payload == "telnet negotiation is not supported (use manhole-client or a raw TCP client)\n")
    }

    @Test("Many commands in one write are answered in order, each in its own frame")
    func pipelining() throws {
        let server = try TestServer()
        let connection = try server.connect()
        try connection.socket.write(String(repeating: "whoami\n", count: 50) + "nope\n")
        let first = try connection.readFrame()
        for offset in 1..<50 {
            let frame = try connection.readFrame()
            #expect(frame.kind == .ok)
            #expect(frame.sequence == first.sequence + offset)
        }
        #expect(try connection.readFrame().kind == .error)
    }

    @Test("A reply over the size limit is cut with a marker")
    func boundedReply() throws {
        let server = try TestServer(configure: { $0.maxReplyBytes = 200 }, namespace: ["big": Array(0..<1_000)])
        let connection = try server.connect()
        let reply = try connection.run("inspect big --depth 1")
        #expect(reply.kind == .ok)
        #expect(reply.payload.utf8.count < 300)
        #expect(reply.payload.contains("\n… output truncated: 200 of "))
    }
}
