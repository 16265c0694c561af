import ManholeWire
import Testing
@testable import Manhole
import ManholeClient

/// Bytes in memory, served like a connection the server has closed after sending them.
private final class BytesSource: FrameSource {
    private let bytes: [UInt8]
    private var start = 0

    struct Closed: Error {}

    init(_ text: String) { bytes = Array(text.utf8) }

    func readLine(maximum: Int) throws -> [UInt8] {
        guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else { throw Closed() }
        defer { start = newline + 1 }
        return Array(bytes[start..<newline])
    }

    func read(exactly count: Int) throws -> [UInt8] {
        guard count <= bytes.count - start else { throw Closed() }
        defer { start += count }
        return Array(bytes[start..<start + count])
    }
}

@Suite("Frame reading")
struct FrameReadingTests {
    @Test("A frame reads back as the frame that was encoded")
    func roundTrip() throws {
        let frame = Frame(.ok, sequence: 3, format: .json, payload: "{\"a\":\"b\\nc\"}")
        #expect(try ManholeConnection.readFrame(from: BytesSource(frame.encoded)) == frame)
    }

    @Test("A payload without its final newline is a protocol error")
    func missingNewline() {
        #expect(throws: ManholeConnection.LoginFailure.protocolError("frame without its final newline")) {
            try ManholeConnection.readFrame(from: BytesSource("OK 1 2 text\nabc"))
        }
    }

    // Found by fuzz-frame: the length plus its newline overflowed and trapped.
    @Test("A header claiming Int.max bytes fails instead of trapping")
    func largestLength() {
        #expect(throws: OversizedReply(length: Int.max, limit: ManholeConnection.defaultMaximumPayloadBytes)) {
            try ManholeConnection.readFrame(from: BytesSource("OK 1 \(Int.max) text\nabc\n"))
        }
    }
}
