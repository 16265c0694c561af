import Dispatch
public import Inspector
import Logging
public import NIOCore
import NIOPosix
public import Reactor

/// An embeddable admin shell for a live process: a listener on the reactor's event loop that
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
    /// The address the listener is bound to.
    public let localAddress: SocketAddress
    /// The objects the shell can inspect: register more at any time.
    public let inspector: Inspector
    /// The reactor the listener and every session run on.
    public let reactor: Reactor

    private let serverChannel: any Channel
    let environment: ShellEnvironment

    /// The TCP port the listener is bound to (useful with port 0).
    public var port: Int { localAddress.port ?? 0 }

    /// The connections right now: logged in, and still logging in.
    public var sessions: [SessionInfo] { environment.state.sessions }

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
        reactor: Reactor = .setup()
    ) throws -> Manhole {
        var configuration = Configuration()
        configuration.port = port
        return try start(
            accounts: users.sorted { $0.key < $1.key }.map { Account(name: $0.key, password: $0.value) },
            namespace: namespace, configuration: configuration, reactor: reactor)
    }

    /// Starts a manhole with accounts and roles, and a full configuration.
    ///
    /// Call it from an ordinary thread, not the reactor's: the accounts' keys are derived here
    /// (PBKDF2, tens of milliseconds per user) so that no login ever runs key stretching on the
    /// event loop. The listener is then bound through `runInReactor`.
    /// - Parameters:
    ///   - accounts: The users; at least one, each with a password of at least 8 characters.
    ///   - namespace: Objects to register at once, by name (read on the reactor thread).
    ///   - configuration: Address, limits and logger.
    ///   - reactor: The reactor to run on.
    ///   - inspector: An inspector the host already set up; a new one by default.
    public static func start(
        accounts: [Account], namespace: [String: any Sendable] = [:], configuration: Configuration = Configuration(),
        reactor: Reactor = .setup(), inspector: Inspector? = nil
    ) throws -> Manhole {
        if reactor.isReactorThread { throw ManholeError.startedOnReactorThread }
        try checkAddress(configuration)
        let credentials = try CredentialStore(accounts: accounts, iterations: configuration.pbkdf2Iterations)
        let inspector = inspector ?? Inspector(reactor: reactor)
        for (name, value) in namespace { inspector.register(name, value) }
        let state = ServerState(throttle: LoginThrottle(
            base: configuration.failureDelay, maximum: configuration.maxFailureDelay, memory: configuration.failureMemory,
            capacity: configuration.maxThrottledSources))
        let environment = ShellEnvironment(
            reactor: reactor, inspector: inspector, state: state, commands: BuiltinCommands.table(),
            configuration: configuration, startedAt: .now(),
            budget: LoopBudget(
                eventLoop: reactor.eventLoop, share: configuration.shellShare, window: .milliseconds(10),
                slice: configuration.shellSlice))
        let makeBootstrap = { @Sendable in ServerBootstrap(group: reactor.eventLoop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            // A client that shuts down its sending side still gets the replies to what it sent.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 32 * 1_024, high: 128 * 1_024))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(LineDecoder(maximumLength: configuration.maxLineLength)),
                        SessionHandler(environment: environment, credentials: credentials),
                    ])
                }
            }
        }
        let channel: any Channel
        do {
            channel = try reactor.waitFor(timeout: .seconds(30)) {
                makeBootstrap().bind(host: configuration.host, port: configuration.port)
            }
        } catch {
            throw ManholeError.bindFailed("\(configuration.host):\(configuration.port): \(error)")
        }
        let manhole = Manhole(channel: channel, environment: environment)
        // The hook holds the listener and the session table, not the Manhole: a host that no
        // longer holds its Manhole (started in a function that returned, as a `main` that returns
        // does) still has the listener closed and every session told goodbye at reactor stop.
        reactor.addShutdownHook(name: "manhole") { [state = environment.state] in
            channel.close(promise: nil)
            closeSessions(of: state, reason: "the process is shutting down")
        }
        configuration.logger.info(
            "manhole listening",
            metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")", "users": "\(accounts.count)"])
        return manhole
    }

    private init(channel: any Channel, environment: ShellEnvironment) {
        self.serverChannel = channel
        self.environment = environment
        self.inspector = environment.inspector
        self.reactor = environment.reactor
        self.localAddress = channel.localAddress!
    }

    /// Adds a command to the shell, listed by `help`. The handler runs on the reactor thread (an
    /// `async` handler's jobs too) and must not block it; what it returns is the reply's text,
    /// what it throws becomes an error reply.
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
        ) { invocation, _ in
            reactor.runInReactor { try await handler(invocation) }.futureResult.map { Reply(text: $0.hasSuffix("\n") || $0.isEmpty ? $0 : $0 + "\n") }
        })
    }

    /// Stops listening and closes every session with a goodbye. Sessions' pending work is
    /// dropped. Waits (at most 5 seconds, and not on the reactor thread) for the listener to close.
    /// Does nothing once the reactor has stopped: stopping the reactor closed everything already.
    public func stop() {
        guard !reactor.isStopped else { return }
        let closed = DispatchSemaphore(value: 0)
        serverChannel.close().whenComplete { _ in closed.signal() }
        Self.closeSessions(of: environment.state, reason: "the manhole is stopping")
        if !reactor.isReactorThread { _ = closed.wait(timeout: .now() + .seconds(5)) }
    }

    /// Says goodbye to every session of `state` (on their loop) and refuses new ones.
    private static func closeSessions(of state: ServerState, reason: String) {
        for channel in state.stop() {
            channel.pipeline.fireUserInboundEventTriggered(GoodbyeEvent(reason: reason))
        }
    }

    private static func checkAddress(_ configuration: Configuration) throws {
        let host = configuration.host
        let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
        guard !loopback else { return }
        guard configuration.allowNonLoopback else { throw ManholeError.nonLoopbackAddress(host) }
        configuration.logger.warning(
            "manhole listening on a non-loopback address: anyone who reaches it can try to log in",
            metadata: ["host": "\(host)"])
    }
}
