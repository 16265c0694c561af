package import NIOCore

/// Who a login attempt comes from, for throttling and log limits: one key per attacker, not per
/// connection or address.
///
/// Every loopback address is one source: Linux routes all of 127.0.0.0/8 (and `::1`, and
/// IPv4-mapped `::ffff:127.x.y.z`) to the local host, so a local attacker that picks a fresh
/// 127.x.y.z per connection would otherwise get a fresh throttle record each time. A Unix-domain
/// peer is its user id.
package enum LoginSource: Hashable, Sendable, CustomStringConvertible {
    /// Any loopback address (127.0.0.0/8, `::1`, `::ffff:127.0.0.0/104`).
    case loopback
    /// Another IP address, as text.
    case address(String)
    /// A Unix-domain peer, by its user id.
    case uid(UInt32)

    /// The source of a peer address (the port is ignored). A Unix-domain peer without a known uid
    /// is `.address("unix")`: the caller that knows the uid passes ``uid(_:)`` instead.
    package init(_ peer: SocketAddress?) {
        guard let peer else {
            self = .address("?")
            return
        }
        if case .unixDomainSocket = peer {
            self = .address("unix")
        } else {
            self = Manhole.isLoopback(peer) ? .loopback : .address(peer.ipAddress ?? "?")
        }
    }

    /// The source of an IP address in text form (`127.0.0.2`, `::1`, `::ffff:127.0.0.9`, `10.0.0.1`).
    /// Text that is not an IP address is a source of its own, as it is.
    package init(address: String) {
        if let parsed = try? SocketAddress(ipAddress: address, port: 0) {
            self.init(parsed)
        } else {
            self = .address(address)
        }
    }

    /// `loopback`, the address, or `uid:N`.
    package var description: String {
        switch self {
        case .loopback: "loopback"
        case .address(let address): address
        case .uid(let uid): "uid:\(uid)"
        }
    }
}
