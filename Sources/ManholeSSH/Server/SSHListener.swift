import Foundation
import Synchronization
import Logging
public import Manhole
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSH

/// A manhole's SSH listener: the same shell, accounts, limits and budget as the native one, for
/// stock `ssh` (`ssh -p 5023 admin@127.0.0.1`). Start it with `Manhole.startSSH(_:)`; the
/// reactor's stop closes it with the manhole's sessions.
public final class SSHListener: Sendable {
    /// The port it listens on (the configured one, or the one picked for port 0).
    public let port: Int
    /// The host key's fingerprint as OpenSSH shows it (`SHA256:…`): what a client is asked to
    /// trust at its first connection.
    public let hostKeyFingerprint: String
    private let channel: any Channel
    private let passwords: SSHPasswordChecker
    private let stopped = Atomic<Bool>(false)

    fileprivate init(channel: any Channel, hostKeyFingerprint: String, passwords: SSHPasswordChecker) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        self.hostKeyFingerprint = hostKeyFingerprint
        self.passwords = passwords
    }

    /// Stops listening; sessions already open end with the manhole's (`stop`, `kick`) or their
    /// client.
    public func stop() {
        // Once the manhole has stopped, its stop closed this too, and the loop may be gone.
        guard channel.isActive else { return }
        channel.close(promise: nil)
    }

    /// The listener has closed: no password check is taken any more.
    fileprivate func shutDownChecks() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        // The checker's shutdown waits for a running check (a PBKDF2): never on a loop.
        let passwords = passwords
        Thread.detachNewThread { passwords.shutdown() }
    }
}

extension Manhole {
    /// Starts serving this manhole's shell over SSH as well: its own port, loopback by default,
    /// an Ed25519 host key (read from or created at ``SSHConfiguration/hostKeyPath``), password
    /// logins with the manhole's accounts and public-key logins from the users' authorized keys.
    /// Call it from an ordinary thread (it binds and may read files). Throws when the address is
    /// not loopback and the manhole does not allow that, when the host key or a key file is bad,
    /// or when the port is taken.
    public func startSSH(_ configuration: SSHConfiguration) throws -> SSHListener {
        let hostKey = try configuration.hostKeyPath.map { try SSHHostKey.loadOrCreate(at: $0) } ?? SSHHostKey.generated()
        let authorizedKeys = try AuthorizedKeys(files: configuration.authorizedKeysFiles)
        let passwords = SSHPasswordChecker(credentials: credentials)
        let address = try SocketAddress.makeAddressResolvingHost(configuration.host, port: configuration.port)
        guard self.configuration.allowNonLoopback || Manhole.isLoopback(address) else {
            passwords.shutdown()
            throw SSHListenerError.notLoopback(configuration.host)
        }
        let manhole = self
        let credentials = credentials
        let authTimeout = TimeAmount(self.configuration.authTimeout)
        let bootstrap = ServerBootstrap(group: sessionsLoop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try SSHListener.addConnection(
                        to: channel, manhole: manhole, hostKey: hostKey, passwords: passwords, authorizedKeys: authorizedKeys,
                        roleOf: { credentials.role(of: $0) }, authTimeout: authTimeout)
                }
            }
        let channel: any Channel
        do {
            channel = try bootstrap.bind(to: address).wait()
        } catch {
            passwords.shutdown()
            throw error
        }
        let listener = SSHListener(channel: channel, hostKeyFingerprint: hostKey.fingerprint, passwords: passwords)
        // Closed with the manhole's own listeners (its stop, or the reactor's), before the loop it
        // runs on ends; its sessions are in the session table, told goodbye with the others.
        addListener(channel)
        channel.closeFuture.whenComplete { _ in listener.shutDownChecks() }
        self.configuration.logger.info(
            "manhole listening over SSH",
            metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")", "hostKey": "\(hostKey.fingerprint)"])
        return listener
    }
}

extension SSHListener {
    /// Sets up one TCP connection: admitted into the session table (or closed at once), then the
    /// SSH handler with this connection's authenticator; one session channel may be opened.
    fileprivate static func addConnection(
        to channel: any Channel, manhole: Manhole, hostKey: SSHHostKey, passwords: SSHPasswordChecker,
        authorizedKeys: AuthorizedKeys, roleOf: @escaping @Sendable (String) -> Role?, authTimeout: TimeAmount
    ) throws {
        // The goodbye may come from any thread, before the connection object exists.
        let slot = NIOLockedValueBox<SSHConnection?>(nil)
        let admitted = ShellSession.admit(
            to: manhole, peer: channel.remoteAddress, transport: "ssh",
            sayGoodbye: { reason in
                channel.eventLoop.execute {
                    guard let connection = slot.withLockedValue({ $0 }) else { return channel.close(promise: nil) }
                    connection.sayGoodbye(reason)
                }
            },
            closed: channel.closeFuture)
        let session: ShellSession
        switch admitted {
        case .failure:
            channel.close(promise: nil)
            return
        case .success(let admittedSession):
            session = admittedSession
        }
        let connection = SSHConnection(session: session, channel: channel)
        slot.withLockedValue { $0 = connection }
        channel.closeFuture.whenComplete { _ in
            connection.closed()
            slot.withLockedValue { $0 = nil }
        }
        connection.startLoginTimer(authTimeout)
        let authenticator = SSHAuthenticator(connection: connection, passwords: passwords, authorizedKeys: authorizedKeys, roleOf: roleOf)
        var server = SSHServerConfiguration(hostKeys: [hostKey.privateKey], userAuthDelegate: authenticator)
        server.maxAuthAttempts = 6
        let handler = NIOSSHHandler(
            role: .server(server), allocator: channel.allocator,
            inboundChildChannelInitializer: { child, type in
                SSHListener.openSessionChannel(child, type: type, connection: connection)
            })
        try channel.pipeline.syncOperations.addHandlers(handler, SSHErrorHandler())
    }

    /// A channel the client opens: a session channel (once per connection, after login); port
    /// forwarding and every other kind are refused.
    private static func openSessionChannel(_ child: any Channel, type: SSHChannelType, connection: SSHConnection) -> EventLoopFuture<Void> {
        guard case .session = type, connection.user != nil, connection.sessionChannel == nil else {
            return child.eventLoop.makeFailedFuture(SSHListenerError.channelRefused)
        }
        connection.sessionChannel = child
        return child.eventLoop.makeCompletedFuture {
            try child.syncOptions?.setOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            try child.pipeline.syncOperations.addHandler(SSHSessionHandler(connection: connection))
        }
    }

}

/// Why the SSH listener did not start, or refused a channel.
public enum SSHListenerError: Error, CustomStringConvertible {
    /// The address is not loopback and the manhole's configuration does not allow that.
    case notLoopback(String)
    /// A channel other than one session channel per logged-in connection (port forwarding, X11…).
    case channelRefused

    public var description: String {
        switch self {
        case .notLoopback(let host):
            "SSH listener address \(host) is not loopback; set Manhole.Configuration.allowNonLoopback to serve beyond this machine"
        case .channelRefused: "only one session channel per connection is served (no port forwarding, X11 or agent)"
        }
    }
}
