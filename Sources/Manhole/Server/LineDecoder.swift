package import NIOCore

/// Splits the byte stream into lines of at most `maximumLength` bytes and checks each one,
/// so that the session never sees bytes it cannot handle. A line that grows past the limit is
/// reported once and then discarded up to its newline, without buffering it.
package struct LineDecoder: ByteToMessageDecoder {
    /// The decoder hands on checked lines.
    package typealias InboundOut = InboundLine

    /// The longest line accepted, in bytes, without its newline.
    package let maximumLength: Int
    private var discarding = false

    /// Creates a decoder that refuses lines longer than `maximumLength` bytes.
    package init(maximumLength: Int) {
        self.maximumLength = maximumLength
    }

    /// Hands on every complete line in `buffer`; discards an overlong one as it arrives.
    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if discarding {
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            } else if buffer.readableBytes > maximumLength {
                discarding = true
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                context.fireChannelRead(wrapInboundOut(.tooLong(limit: maximumLength)))
            }
            return .needMoreData
        }
        let length = newline - view.startIndex
        if discarding {
            discarding = false
            buffer.moveReaderIndex(forwardBy: length + 1)
            return .continue
        }
        var bytes = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        if bytes.readableBytes > maximumLength {
            context.fireChannelRead(wrapInboundOut(.tooLong(limit: maximumLength)))
            return .continue
        }
        if bytes.readableBytesView.last == UInt8(ascii: "\r") { bytes.moveWriterIndex(to: bytes.writerIndex - 1) }
        context.fireChannelRead(wrapInboundOut(Self.check(bytes.readableBytesView)))
        return .continue
    }

    /// At end of input: discards a last line that has no newline.
    package mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A last line without a newline is discarded: a command is only complete with its newline.
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        return .needMoreData
    }

    /// Classifies one line's bytes.
    package static func check(_ bytes: ByteBufferView) -> InboundLine {
        if bytes.contains(255) { return .telnetNegotiation }
        if bytes.contains(where: { $0 < 0x20 && $0 != UInt8(ascii: "\t") || $0 == 0x7F }) { return .controlBytes }
        guard let text = String(validating: bytes, as: UTF8.self) else { return .invalidUTF8 }
        return .line(text)
    }
}
