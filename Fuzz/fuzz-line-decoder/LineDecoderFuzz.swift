import Manhole
import NIOCore
import NIOEmbedded

// Feeds the input through `ByteToMessageHandler(LineDecoder)` in an `EmbeddedChannel`, split
// into chunks, and checks what comes out against a model computed from the whole input: the
// same lines and refusals whatever the chunking, every accepted line valid and within the limit,
// and never more than the limit buffered while waiting for a newline.
//
// Input: byte 0 picks the line limit, bytes 1 and 2 the chunk sizes (alternating; 0 means the
// rest at once; after 64 chunks the rest goes at once), the rest is the byte stream.

/// The line limits tried: tiny ones reach the overlong-line paths with small inputs.
private let limits = [1, 2, 5, 16, 64, 4_096]

/// The most chunks an input is cut into.
private let maximumChunks = 64

/// `LineDecoder` with a check after each call: waiting for a newline, it holds at most its limit.
private struct BoundedLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = InboundLine
    var inner: LineDecoder

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let state = try inner.decode(context: context, buffer: &buffer)
        if state == .needMoreData && buffer.readableBytes > inner.maximumLength {
            fatalError("decoder buffers \(buffer.readableBytes) bytes, limit \(inner.maximumLength)")
        }
        return state
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try inner.decodeLast(context: context, buffer: &buffer, seenEOF: seenEOF)
    }
}

/// What the decoder must produce for `input`, computed from the whole input at once: each
/// newline-terminated line is refused as too long when it (with any `\r`) exceeds the limit,
/// otherwise classified without its `\r`; an unterminated tail is reported only if too long.
private func expectedLines(_ input: ArraySlice<UInt8>, limit: Int) -> [InboundLine] {
    var result: [InboundLine] = []
    var rest = input
    while let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
        var line = rest[..<newline]
        rest = rest[(newline + 1)...]
        if line.count > limit {
            result.append(.tooLong(limit: limit))
            continue
        }
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        let buffer = ByteBuffer(bytes: line)
        result.append(LineDecoder.check(buffer.readableBytesView))
    }
    if rest.count > limit { result.append(.tooLong(limit: limit)) }
    return result
}

/// Checks what a `.line` promises: within the limit, no control bytes but tab, no IAC, no newline.
private func checkLine(_ text: String, limit: Int) {
    let bytes = Array(text.utf8)
    guard bytes.count <= limit else { fatalError("line of \(bytes.count) bytes exceeds limit \(limit)") }
    for byte in bytes where byte == 255 || byte == 0x7F || (byte < 0x20 && byte != UInt8(ascii: "\t")) {
        fatalError("line holds byte \(byte)")
    }
    _ = HTTPDetector.looksLikeHTTP(text)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 3 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limit = limits[Int(bytes[0]) % limits.count]
    let chunkSizes = [Int(bytes[1]), Int(bytes[2])]
    let input = bytes[3...]

    let channel = EmbeddedChannel(handler: ByteToMessageHandler(BoundedLineDecoder(inner: LineDecoder(maximumLength: limit))))
    var produced: [InboundLine] = []
    func drain() {
        while let line = try? channel.readInbound(as: InboundLine.self) { produced.append(line) }
    }
    var offset = input.startIndex
    var chunk = 0
    while offset < input.endIndex {
        // After `maximumChunks` chunks the rest goes at once: long inputs stay fast to run.
        let size =
            chunkSizes[chunk % 2] == 0 || chunk >= maximumChunks ? input.endIndex - offset : chunkSizes[chunk % 2]
        let end = min(input.endIndex, offset + size)
        do {
            try channel.writeInbound(ByteBuffer(bytes: input[offset..<end]))
        } catch {
            fatalError("decoder threw \(error)")
        }
        drain()
        offset = end
        chunk += 1
    }
    do {
        _ = try channel.finish()
    } catch {
        fatalError("finish threw \(error)")
    }
    drain()

    for case .line(let text) in produced { checkLine(text, limit: limit) }
    let expected = expectedLines(input, limit: limit)
    guard produced == expected else {
        fatalError("chunked decoding gave \(produced), the whole input gives \(expected)")
    }
    return 0
}
