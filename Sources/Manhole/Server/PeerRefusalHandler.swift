import ManholeWire
import Logging
import NIOCore

/// Stands in for the session on a Unix-domain connection whose peer uid is not allowed: logs a
/// warning, says goodbye before any greeting, and closes. Reads nothing.
final class PeerRefusalHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let uid: UInt32?
    private let logger: Logger

    init(uid: UInt32?, logger: Logger) {
        self.uid = uid
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        let who = uid.map { "uid \($0)" } ?? "a peer whose uid is unknown"
        logger.warning("unix-socket peer refused: uid not allowed", metadata: ["peer": "\(uid.map { "uid:\($0)" } ?? "uid:?")"])
        let frame = Frame(.bye, sequence: 0, payload: "\(who) may not use this socket\n")
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: frame.encoded)))
            .whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
