#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// The uid of the process at the other end of a Unix-domain socket, as the kernel reports it.
enum PeerCredentials {
    /// The peer's uid, or `nil` if the kernel would not say (the caller refuses the peer then).
    /// Runs on the channel's loop, where the answer is immediate.
    static func uid(of channel: any Channel) -> EventLoopFuture<UInt32?> {
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeSucceededFuture(nil)
        }
        #if os(Linux)
        // `struct ucred` (pid_t, uid_t, gid_t), which Glibc hides behind _GNU_SOURCE: read as a
        // tuple of the same layout.
        let credentials: EventLoopFuture<(Int32, UInt32, UInt32)> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        return credentials.map { Optional($0.1) }.recover { _ in nil }
        #elseif canImport(Darwin)
        // getpeereid(3) reads LOCAL_PEERCRED at level SOL_LOCAL (0): an `xucred`.
        let credentials: EventLoopFuture<xucred> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(0), name: SocketOptionName(LOCAL_PEERCRED))
        return credentials.map { Optional(UInt32($0.cr_uid)) }.recover { _ in nil }
        #else
        return channel.eventLoop.makeSucceededFuture(nil)
        #endif
    }

    /// The uid this process runs as (`getuid()`): the default, and only, peer a socket allows.
    static var processUID: UInt32 { UInt32(getuid()) }
}
