import NIOCore

/// The end of an SSH connection's pipeline: an error (a malformed packet, a failed key exchange,
/// garbage before authentication) closes the connection at once rather than leaving it open
/// until the login deadline.
final class SSHErrorHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = Any

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
