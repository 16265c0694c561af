public import Logging
package import NIOCore

extension Manhole {
    /// Where the manhole listens and the limits it enforces; every field has a default.
    public struct Configuration: Sendable {
        // MARK: Where it listens

        /// The address to bind. Loopback by default; anything else also needs ``allowNonLoopback``.
        public var host: String
        /// The TCP port; 0 picks a free one (see ``Manhole/port``).
        public var port: Int
        /// Whether to listen on TCP (``host``:``port``). Turn it off to offer only the Unix-domain
        /// socket (``unixSocketPath``).
        public var listenOnTCP: Bool
        /// Allows binding an address other than loopback (logged as a warning). Anyone who can reach
        /// the port can then try to log in: prefer an SSH port-forward to a loopback manhole.
        public var allowNonLoopback: Bool
        /// A Unix-domain socket to listen on as well, e.g. `/run/myapp-manhole/manhole.sock`; none by
        /// default. Its directory is created with mode 0700 if missing; the manhole refuses to start
        /// if the directory is a symbolic link, belongs to another user or is open to group or
        /// others. The socket is created with mode 0600 and removed by `stop()`. A peer whose uid
        /// is not in ``unixSocketAllowedUIDs`` is told goodbye before the greeting; the others log
        /// in with SCRAM as over TCP, sharing the session limits.
        public var unixSocketPath: String?
        /// The uids that may connect to ``unixSocketPath`` (checked with `SO_PEERCRED` on Linux,
        /// `LOCAL_PEERCRED` on macOS); `nil` (the default) means the process's own uid only.
        public var unixSocketAllowedUIDs: Set<UInt32>?
        /// Where sessions, commands and refusals are logged. Pass the host's logger.
        public var logger: Logger
        /// Where the `log` command reads the host's recent log lines; `nil` (the default): the
        /// host has not opted in and `log` says so. The host makes a ``LogRing`` and adds its
        /// ``LogRing/handler(label:)`` beside its own log handler (`MultiplexLogHandler`).
        public var logRing: LogRing? = nil
        /// Where the `metrics` command reads the host's swift-metrics series; `nil` (the default):
        /// the host has not opted in and `metrics` says so. The host makes a ``MetricsRecorder``
        /// and bootstraps its ``MetricsRecorder/factory``, beside its own backend
        /// (`MultiplexMetricsHandler`) or alone.
        public var metrics: MetricsRecorder? = nil

        // MARK: Sessions and their limits

        /// The most authenticated sessions at once; further logins are refused with a message.
        public var maxSessions: Int
        /// The most sessions one user may hold at once (a further login of that user is refused
        /// with a goodbye), so that one leaked account cannot take every slot.
        public var maxSessionsPerUser: Int
        /// How many of the ``maxSessions`` slots only admins may take: read-only users together
        /// hold at most `maxSessions - adminReservedSessions` sessions, so an admin can always log
        /// in to look and `kick`.
        public var adminReservedSessions: Int
        /// The longest line accepted, in bytes. A longer line gets an error reply and is discarded
        /// up to its newline; the session continues (before login it counts as a failed attempt).
        public var maxLineLength: Int
        /// The largest reply payload, in bytes; longer output is cut with a marker.
        public var maxReplyBytes: Int
        /// An authenticated session without input for this long is closed.
        public var idleTimeout: Duration

        // MARK: Logins

        /// PBKDF2-SHA-256 iterations for the stored keys (the client repeats them at each login).
        public var pbkdf2Iterations: Int
        /// A connection that has not logged in within this time is closed.
        public var authTimeout: Duration
        /// The most connections still logging in at once (a login flood stops here). When they are
        /// all taken, a new connection takes the slot of the one that has been silent longest (which
        /// gets a goodbye), once that one has sent nothing for a tenth of ``authTimeout``; it is
        /// refused only if every pending connection spoke more recently.
        package var maxPendingLogins: Int = 32
        /// Failed logins allowed per connection before it is closed.
        public var maxFailuresPerConnection: Int
        /// The time between two login verdicts (welcome or denial) of a source with failed
        /// logins on record: the range's lower bound after one failure, doubling with every
        /// further failure up to its upper bound. A source is a peer address, all loopback
        /// addresses count as one. Logins that arrive meanwhile wait in order; a source without
        /// failures is answered at once.
        public var failureDelays: ClosedRange<Duration>
        /// How long a source's failures are remembered after its last one.
        package var failureMemory: Duration = .seconds(15 * 60)
        /// The most sources whose failures are remembered; beyond it, the one that failed least
        /// recently is forgotten first.
        package var maxThrottledSources: Int = 1_024

        // MARK: The shell's share of the machine, and its waits on the reactor

        /// The largest fraction of real time the shell may spend while the host works: its work on
        /// the sessions' own thread (logins, commands, replies) and on the reactor thread (reading
        /// entries there) draws on one budget refilled at this share (holding at most one 10 ms
        /// window's worth), and work beyond it is owed: sessions' input waits (in the socket)
        /// until the debt is paid, so a flood of commands or logins, or one long command, cannot
        /// slow the host's own work. While the host is idle (its threads used under a fifth of a
        /// core in the last window) the shell is not held back.
        public var shellShare: Double
        /// The most shell work in a row on the sessions' thread before the other sessions' turn.
        package var shellSlice: Duration = .microseconds(250)
        /// Whether the host works, asked by the shell's budget about once per 10 ms window; the
        /// share applies only while it does. `nil`: ``HostActivity`` decides (tests set a constant).
        package var hostIsBusy: (@Sendable (NIODeadline, Int64) -> Bool)?
        /// How long a command waits for the reactor thread to take up what must run there (reading
        /// an entry registered on the reactor, a host command); then it answers that the reactor is
        /// busy, with what the reactor runs and since when, and the work is called off. Sessions
        /// run on their own thread: logins and every other command answer while the reactor is
        /// held. Default 500 ms.
        public var reactorWaitLimit: Duration

        /// Creates a configuration. Every parameter has a default (the safe one), so
        /// `Configuration(port: 0, logger: logger)` changes only what it names.
        public init(
            host: String = "127.0.0.1",
            port: Int = 5022,
            listenOnTCP: Bool = true,
            allowNonLoopback: Bool = false,
            unixSocketPath: String? = nil,
            unixSocketAllowedUIDs: Set<UInt32>? = nil,
            logger: Logger = Logger(label: "manhole"),
            maxSessions: Int = 16,
            maxSessionsPerUser: Int = 4,
            adminReservedSessions: Int = 2,
            maxLineLength: Int = 4_096,
            maxReplyBytes: Int = 256 * 1_024,
            idleTimeout: Duration = .seconds(30 * 60),
            pbkdf2Iterations: Int = 210_000,
            authTimeout: Duration = .seconds(10),
            maxFailuresPerConnection: Int = 3,
            failureDelays: ClosedRange<Duration> = .milliseconds(250) ... .seconds(8),
            shellShare: Double = 0.05,
            reactorWaitLimit: Duration = .milliseconds(500),
            metrics: MetricsRecorder? = nil
        ) {
            self.host = host
            self.port = port
            self.listenOnTCP = listenOnTCP
            self.allowNonLoopback = allowNonLoopback
            self.unixSocketPath = unixSocketPath
            self.unixSocketAllowedUIDs = unixSocketAllowedUIDs
            self.logger = logger
            self.maxSessions = maxSessions
            self.maxSessionsPerUser = maxSessionsPerUser
            self.adminReservedSessions = adminReservedSessions
            self.maxLineLength = maxLineLength
            self.maxReplyBytes = maxReplyBytes
            self.idleTimeout = idleTimeout
            self.pbkdf2Iterations = pbkdf2Iterations
            self.authTimeout = authTimeout
            self.maxFailuresPerConnection = maxFailuresPerConnection
            self.failureDelays = failureDelays
            self.shellShare = shellShare
            self.reactorWaitLimit = reactorWaitLimit
            self.metrics = metrics
        }
    }
}
