import Dispatch
public import Inspector
import Logging
package import NIOCore
import NIOPosix
public import Reactor

/// An embeddable admin shell for a live process: a listener on a thread of its own that
/// authenticated operators connect to (with `manhole-client`) to inspect registered objects,
/// results, timers and the process, and to run commands the host adds.
///
/// ```swift
/// Reactor.setup()
/// let manhole = try Manhole.start(port: 5022, users: ["admin": "s3cret-pass"], namespace: ["app": app])
/// ```
///
/// Safe by default: loopback only, challenge-response logins (the password never crosses the
/// socket), throttled failures, bounded lines, replies, sessions and time. See docs/guide.md and
/// docs/protocol.md.
public final class Manhole: Sendable {
    /// The address the TCP listener is bound to (the Unix-domain socket's address when TCP is off).
    package let localAddress: SocketAddress
    /// The Unix-domain socket the manhole also listens on, if any (see
    /// ``Configuration/unixSocketPath``).
    package let unixSocketPath: String?
    /// The objects the shell can inspect: register more at any time.
    public let inspector: Inspector
    /// The reactor whose values the shell shows and whose stop closes the manhole.
    package let reactor: Reactor

    private let listeners: [any Channel]
    private let socketDirectory: UnixSocketDirectory?
    let environment: ShellEnvironment
    /// The accounts' stored keys: what another transport (SSH) checks passwords against.
    package let credentials: CredentialStore

    /// The TCP port the listener is bound to (useful with port 0); 0 when TCP is off.
    public var port: Int { localAddress.port ?? 0 }

    /// The connections right now: logged in, and still logging in.
    package var sessions: [SessionInfo] { environment.state.sessions }

    /// Starts a manhole for `users`, all with the admin role.
    ///
    /// - Parameters:
    ///   - port: The TCP port on 127.0.0.1; 0 picks a free one.
    ///   - users: User names and passwords (at least 8 characters each).
    ///   - namespace: Objects to register at once, by name.
    ///   - reactor: The reactor to run on; the process-wide one by default (started if needed).
    /// - Throws: ``ManholeError`` when the configuration is unsafe or the port cannot be bound.
    public static func start(
        port: Int = 5022, users: [String: String], namespace: [String: any Sendable] = [:],
        reactor: Reactor? = nil
    ) throws -> Manhole {
        try start(
            accounts: users.sorted { $0.key < $1.key }.map { Account(name: $0.key, password: $0.value) },
            namespace: namespace, configuration: Configuration(port: port), reactor: reactor)
    }

    /// Starts a manhole with accounts and roles, and a full configuration.
    ///
    /// Call it from an ordinary thread, not the reactor's: the accounts' keys are derived here
    /// (PBKDF2, tens of milliseconds per user) so that no login ever runs key stretching on the
    /// event loop. The listeners are then bound on the manhole's own thread, where its sessions
    /// run (so that they answer while a host body holds the reactor thread): TCP (the host is
    /// resolved first, and both the resolved and the bound address must be loopback unless
    /// ``Configuration/allowNonLoopback`` is set), and the Unix-domain socket if one is
    /// configured. The reactor owns the manhole's lifecycle: its stop closes the listeners and
    /// sessions and ends that thread.
    /// - Parameters:
    ///   - accounts: The users; at least one, each with a password of at least 8 characters.
    ///   - namespace: Objects to register at once, by name (read on the reactor thread).
    ///   - configuration: Address, limits and logger. The logger is the one every part the
    ///     manhole creates logs to: its listeners and sessions, the inspector it makes, and the
    ///     reactor if this call is the one that starts it.
    ///   - reactor: The reactor to run on; the process-wide one by default (started if needed).
    ///   - inspector: An inspector the host already set up; a new one by default.
    public static func start(
        accounts: [Account], namespace: [String: any Sendable] = [:], configuration: Configuration = Configuration(),
        reactor: Reactor? = nil, inspector: Inspector? = nil
    ) throws -> Manhole {
        let reactor = reactor ?? .setup(configuration: Reactor.Configuration(logger: configuration.logger))
        if reactor.isReactorThread { throw ManholeError.startedOnReactorThread }
        guard configuration.listenOnTCP || configuration.unixSocketPath != nil else { throw ManholeError.noListener }
        let tcpAddress: SocketAddress? = try configuration.listenOnTCP ? resolveAddress(configuration) : nil
        let credentials = try CredentialStore(accounts: accounts, iterations: configuration.pbkdf2Iterations)
        let socketDirectory = try configuration.unixSocketPath.map { try UnixSocketDirectory.prepare(socketPath: $0) }
        let inspector = inspector ?? Inspector(reactor: reactor, configuration: Inspector.Configuration(logger: configuration.logger))
        for (name, value) in namespace { inspector.register(name, value) }
        let sessionThread = SessionThread()
        let state = ServerState(throttle: LoginThrottle(
            base: configuration.failureDelays.lowerBound, maximum: configuration.failureDelays.upperBound, memory: configuration.failureMemory,
            capacity: configuration.maxThrottledSources))
        let environment = ShellEnvironment(
            reactor: reactor, sessionThread: sessionThread, inspector: inspector, state: state, commands: BuiltinCommands.table(),
            configuration: configuration, startedAt: .now(),
            budget: LoopBudget(
                eventLoop: sessionThread.loop, share: configuration.shellShare, window: .milliseconds(10),
                slice: configuration.shellSlice,
                hostIsBusy: configuration.hostIsBusy
                    ?? HostActivity(idleClock: { Int64(reactor.pollNanoseconds) }).isBusy(at:threadWork:)))
        let factory = Listeners(environment: environment, credentials: credentials)
        var channels: [any Channel] = []
        do {
            if let tcpAddress {
                let channel = try bind("\(configuration.host):\(configuration.port)") {
                    factory.tcpBootstrap().bind(to: tcpAddress)
                }
                channels.append(channel)
                try checkBoundAddress(channel.localAddress, configuration)
            }
            if let socketDirectory {
                let channel = try bind(socketDirectory.socketPath) {
                    factory.unixBootstrap().bind(unixDomainSocketPath: socketDirectory.socketPath, cleanupExistingSocketFile: true)
                }
                channels.append(channel)
                try socketDirectory.restrictSocket()
            }
        } catch {
            for channel in channels { channel.close(promise: nil) }
            socketDirectory?.remove()
            sessionThread.shutDown(within: .seconds(1)) { channels.map(\.closeFuture) }
            throw error
        }
        let listeners = channels
        let manhole = Manhole(listeners: listeners, socketDirectory: socketDirectory, environment: environment, credentials: credentials)
        // The hook holds the listeners and the session table, not the Manhole: a host that no
        // longer holds its Manhole (started in a function that returned, as a `main` that returns
        // does) still has the listeners closed and every session told goodbye at reactor stop.
        // Its phase: after the host's `beforeStop` hooks (sessions stay open while the host drains)
        // and before its `cleanup` ones. Its bound: the goodbyes' second, and some.
        reactor.addShutdownHook(name: "manhole", phase: .sessions, timeout: .seconds(2)) { [state = environment.state] in
            close(listeners, socketDirectory, state, sessionThread, reason: "the process is shutting down")
        }
        configuration.logger.info(
            "manhole listening",
            metadata: [
                "address": "\(listeners[0].localAddress.map { "\($0)" } ?? "?")", "users": "\(accounts.count)",
                "unixSocket": "\(configuration.unixSocketPath ?? "-")",
            ])
        return manhole
    }

    private init(
        listeners: [any Channel], socketDirectory: UnixSocketDirectory?, environment: ShellEnvironment, credentials: CredentialStore
    ) {
        self.credentials = credentials
        self.listeners = listeners
        self.socketDirectory = socketDirectory
        self.unixSocketPath = socketDirectory?.socketPath
        self.environment = environment
        self.inspector = environment.inspector
        self.reactor = environment.reactor
        self.localAddress = listeners[0].localAddress!
    }

    /// Adds a command to the shell, listed by `help`. The handler runs on the reactor thread (an
    /// `async` handler's jobs too) and must not block it; what it returns is the reply's text,
    /// what it throws becomes an error reply. If the reactor thread does not take it up within
    /// ``Configuration/reactorWaitLimit`` (a host body holds it), the handler does not run and the
    /// reply says what holds the reactor.
    /// - Parameters:
    ///   - name: The command's name: no spaces, not a built-in's name.
    ///   - usage: One line, e.g. `pause-jobs [SECONDS]`; the name alone by default.
    ///   - help: One line for the `help` list.
    ///   - readOnly: Whether read-only users may run it (only if it changes nothing).
    ///   - handler: The work.
    public func addCommand(
        _ name: String, usage: String? = nil, help: String, readOnly: Bool = false,
        _ handler: @escaping @Sendable (CommandInvocation) async throws -> String
    ) throws {
        guard !name.isEmpty, !name.contains(where: \.isWhitespace), !name.hasPrefix("@"),
            !BuiltinCommands.names.contains(name)
        else { throw ManholeError.invalidCommandName(name) }
        let reactor = self.reactor
        environment.commands.add(ShellCommand(
            name: name, usage: usage ?? name, summary: help, isReadOnly: readOnly
        ) { invocation, environment in
            reactor.callAsync(environment.reactorCall(for: invocation)) { try await handler(invocation) }.map {
                Reply(text: $0.hasSuffix("\n") || $0.isEmpty ? $0 : $0 + "\n")
            }
        })
    }

    /// Stops listening (TCP and the Unix-domain socket, whose file is removed), closes every
    /// session with a goodbye and ends the manhole's thread. Sessions' pending work is dropped.
    /// Waits (about a second at most, and not on the reactor thread) for the goodbyes to be written.
    /// Does nothing once the reactor has stopped: stopping the reactor closed everything already.
    public func stop() {
        guard !reactor.isStopped else { return }
        Self.close(
            listeners, socketDirectory, environment.state, environment.sessionThread, reason: "the manhole is stopping",
            wait: !reactor.isReactorThread)
    }

    /// Closes as ``stop()`` does, with `reason` in every goodbye and `within` as the bound on the
    /// goodbyes, without waiting: a service's shutdown handler, which must not block its thread,
    /// learns the end from ``whenClosed(_:)``.
    package func close(reason: String, within: Duration) {
        Self.close(listeners, socketDirectory, environment.state, environment.sessionThread, reason: reason, within: within, wait: false)
    }

    /// Runs `body` once the manhole has closed, however it was closed (``stop()``,
    /// ``close(reason:within:)``, the reactor's stop): its listeners are closed and its sessions'
    /// thread has ended. At once if that has happened already.
    package func whenClosed(_ body: @escaping @Sendable () -> Void) {
        environment.sessionThread.gone.whenOpen(body)
    }

    /// Closes the listeners, says goodbye to every session of `state` (on their loop), refuses
    /// new ones, and ends the sessions' thread once they have closed (at most `within` later).
    private static func close(
        _ listeners: [any Channel], _ socketDirectory: UnixSocketDirectory?, _ state: ServerState,
        _ sessionThread: SessionThread, reason: String, within: Duration = .seconds(1), wait: Bool = true
    ) {
        sessionThread.shutDown(within: within, wait: wait) {
            let (sessions, otherListeners) = state.stop()
            for listener in listeners + otherListeners { listener.close(promise: nil) }
            socketDirectory?.remove()
            for session in sessions { session.sayGoodbye(reason) }
            return (listeners + otherListeners).map(\.closeFuture) + sessions.map(\.closed)
        }
    }

    /// Binds one listener on the manhole's thread; a failure becomes ``ManholeError/bindFailed(_:)``.
    private static func bind(_ what: String, _ bind: () -> EventLoopFuture<any Channel>) throws -> any Channel {
        do {
            return try bind().wait()
        } catch {
            throw ManholeError.bindFailed("\(what): \(error)")
        }
    }

    /// Resolves the configured host and checks the address before anything is bound, so that no
    /// listener ever opens on a wide address by mistake, whatever the host name looks like.
    private static func resolveAddress(_ configuration: Configuration) throws -> SocketAddress {
        let address: SocketAddress
        do {
            address = try SocketAddress.makeAddressResolvingHost(configuration.host, port: configuration.port)
        } catch {
            throw ManholeError.bindFailed("\(configuration.host):\(configuration.port): cannot resolve the host: \(error)")
        }
        try checkLoopback(address, configuration, warn: false)
        return address
    }

    /// Checks the address the listener actually got (after the resolved one was checked, so a
    /// second look); throws if it is not loopback, and the caller closes the listener.
    private static func checkBoundAddress(_ address: SocketAddress?, _ configuration: Configuration) throws {
        guard let address else { throw ManholeError.bindFailed("\(configuration.host): the listener has no address") }
        try checkLoopback(address, configuration, warn: true)
    }

    /// Refuses an address outside 127.0.0.0/8 and ::1, or, with `allowNonLoopback`, lets it
    /// pass (with a warning logged if `warn`).
    private static func checkLoopback(_ address: SocketAddress, _ configuration: Configuration, warn: Bool) throws {
        guard !isLoopback(address) else { return }
        let host = configuration.host
        let shown = address.ipAddress.map { $0 == host ? host : "\(host) (\($0))" } ?? host
        guard configuration.allowNonLoopback else { throw ManholeError.nonLoopbackAddress(shown) }
        guard warn else { return }
        configuration.logger.warning(
            "manhole listening on a non-loopback address: anyone who reaches it can try to log in",
            metadata: ["host": "\(shown)"])
    }

    /// Whether `address` is a loopback address: 127.0.0.0/8, ::1, or IPv4-mapped 127.0.0.0/8.
    /// Reads the numeric form the kernel's address gives (`inet_ntop`), never a host name.
    package static func isLoopback(_ address: SocketAddress) -> Bool {
        switch address {
        case .v4: address.ipAddress?.hasPrefix("127.") == true
        case .v6: address.ipAddress == "::1" || address.ipAddress?.hasPrefix("::ffff:127.") == true
        case .unixDomainSocket: false
        }
    }
}
