import ManholeClient
import ManholeWire

// Reads frames from the input with the client's own frame reader (`ManholeConnection.readFrame`)
// over an in-memory source that behaves like `BlockingSocket` at end of input, until it fails.
// Every frame read must encode to bytes that read back as the same frame, and its header must
// parse back to the same fields. `Frame.parseHeader` also sees the input's first line directly.

/// Bytes in memory served like `BlockingSocket` serves a closed connection's last bytes.
private final class MemorySource: FrameSource {
    private let bytes: [UInt8]
    private var start = 0

    /// Why a read failed.
    enum Failure: Error {
        case closed
        case lineTooLong
    }

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { start == bytes.count }

    func readLine(maximum: Int) throws -> [UInt8] {
        if let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            defer { start = newline + 1 }
            return Array(bytes[start..<newline])
        }
        throw bytes.count - start > maximum ? Failure.lineTooLong : Failure.closed
    }

    func read(exactly count: Int) throws -> [UInt8] {
        guard count <= bytes.count - start else { throw Failure.closed }
        defer { start += count }
        return Array(bytes[start..<start + count])
    }
}

private func checkRoundTrip(_ frame: Frame) {
    let source = MemorySource(Array(frame.encoded.utf8))
    let again: Frame
    do {
        again = try ManholeConnection.readFrame(from: source)
    } catch {
        fatalError("encoded frame \(frame) does not read back: \(error)")
    }
    guard again == frame, source.isAtEnd else { fatalError("frame \(frame) reads back as \(again)") }
    guard let header = Frame.parseHeader(Substring(frame.header)), header.kind == frame.kind,
        header.sequence == frame.sequence, header.length == frame.payload.utf8.count, header.format == frame.format
    else { fatalError("header \(frame.header) does not parse back") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let firstLine = bytes.prefix { $0 != UInt8(ascii: "\n") }
    _ = Frame.parseHeader(Substring(String(decoding: firstLine, as: UTF8.self)))
    let source = MemorySource(bytes)
    while let frame = try? ManholeConnection.readFrame(from: source) {
        checkRoundTrip(frame)
    }
    return 0
}
