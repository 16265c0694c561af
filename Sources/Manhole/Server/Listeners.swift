import NIOCore
import NIOPosix

/// Makes the manhole's listeners: TCP and the Unix-domain socket. Both hand their connections to
/// sessions that share one environment (session table, limits, throttle, budget).
struct Listeners: Sendable {
    let environment: ShellEnvironment
    let credentials: CredentialStore

    private var configuration: Manhole.Configuration { environment.configuration }

    /// The TCP listener's bootstrap.
    func tcpBootstrap() -> ServerBootstrap {
        let environment = environment
        let credentials = credentials
        return common()
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try Self.addSession(to: channel, environment: environment, credentials: credentials, source: nil)
                }
            }
    }

    /// The Unix-domain listener's bootstrap: a peer whose uid is allowed gets a session whose
    /// throttle source is its uid (``LoginSource/uid(_:)``); any other peer is told goodbye before the greeting.
    func unixBootstrap() -> ServerBootstrap {
        let environment = environment
        let credentials = credentials
        let allowed = configuration.unixSocketAllowedUIDs ?? [PeerCredentials.processUID]
        return common().childChannelInitializer { channel in
            PeerCredentials.uid(of: channel).flatMapThrowing { uid in
                if let uid, allowed.contains(uid) {
                    try Self.addSession(to: channel, environment: environment, credentials: credentials, source: .uid(uid))
                } else {
                    try channel.pipeline.syncOperations.addHandler(
                        PeerRefusalHandler(uid: uid, logger: environment.configuration.logger))
                }
            }
        }
    }

    private func common() -> ServerBootstrap {
        ServerBootstrap(group: environment.eventLoop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            // A client that shuts down its sending side still gets the replies to what it sent.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 32 * 1_024, high: 128 * 1_024))
    }

    private static func addSession(
        to channel: any Channel, environment: ShellEnvironment, credentials: CredentialStore, source: LoginSource?
    ) throws {
        try channel.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(LineDecoder(maximumLength: environment.configuration.maxLineLength)),
            SessionHandler(environment: environment, credentials: credentials, source: source),
        ])
    }
}
