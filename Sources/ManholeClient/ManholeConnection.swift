public import ManholeWire

/// A client's connection to a manhole: connect, log in with SCRAM-SHA-256, send commands and
/// read their framed replies. Blocking; used by `manhole-client` and the tests. The wire
/// protocol is in docs/protocol.md.
public final class ManholeConnection {
    /// Why a login failed.
    public enum LoginFailure: Error, Sendable, Hashable, CustomStringConvertible {
        /// Wrong user or password (the server does not say which).
        case denied(String)
        /// The server said goodbye instead (too many sessions, stopping…).
        case refused(String)
        /// The server broke the protocol.
        case protocolError(String)

        /// A one-line explanation.
        public var description: String {
            switch self {
            case .denied(let message): "login failed: \(message)"
            case .refused(let message): "the server refused the session: \(message)"
            case .protocolError(let message): "protocol error: \(message)"
            }
        }
    }

    /// The socket underneath, for raw access (tests of hostile input).
    package let socket: BlockingSocket
    /// The greeting's text (`manhole/2 scram-sha-256`; a version 1 server says `manhole/1`, and
    /// sends no notices).
    public let greeting: String
    /// After login: the user, role and session id the server reported.
    public private(set) var welcome: Welcome?

    /// Connects and reads the greeting.
    public convenience init(host: String = "127.0.0.1", port: Int, timeout: Duration = .seconds(30)) throws {
        try self.init(socket: BlockingSocket(host: host, port: port, timeout: timeout))
    }

    /// Connects to a manhole's Unix-domain socket (see `Manhole.Configuration.unixSocketPath`) and
    /// reads the greeting. A server that does not allow this process's uid says goodbye instead
    /// (``LoginFailure/refused(_:)``).
    public convenience init(socketPath: String, timeout: Duration = .seconds(30)) throws {
        try self.init(socket: BlockingSocket(path: socketPath, timeout: timeout))
    }

    /// Reads the greeting on a connected socket.
    private init(socket: BlockingSocket) throws {
        self.socket = socket
        let hello = try Self.readFrame(from: socket)
        guard hello.kind == .hello else {
            throw LoginFailure.refused(hello.payload.trimmingTrailingNewline)
        }
        greeting = hello.payload.trimmingTrailingNewline
    }

    /// Logs in; returns who the server says this session is (its `user=… role=… session=…` line).
    ///
    /// The server's parameters are checked before any proof is computed or sent: fewer PBKDF2
    /// iterations than `minimumIterations` or a salt shorter than `minimumSaltLength` bytes end
    /// the login with `ScramClientExchange.Failure.weakIterations` or
    /// `ScramClientExchange.Failure.weakSalt` (ManholeWire): whoever bound the port gets no
    /// proof it could crack cheaply offline.
    /// - Parameters:
    ///   - user: The user name to log in as.
    ///   - password: The user's password; only a SCRAM proof derived from it is sent.
    ///   - minimumIterations: Lower it only for a server known to use fewer (tests use 4,096).
    ///   - minimumSaltLength: The shortest salt accepted, in bytes.
    @discardableResult
    public func login(
        user: String, password: String,
        minimumIterations: Int = ScramClientExchange.defaultMinimumIterations,
        minimumSaltLength: Int = ScramClientExchange.defaultMinimumSaltLength
    ) throws -> Welcome {
        try login(
            user: user, password: password, minimumIterations: minimumIterations,
            minimumSaltLength: minimumSaltLength, saltedPasswords: nil)
    }

    /// ``login(user:password:minimumIterations:minimumSaltLength:)`` that takes the salted password
    /// from `saltedPasswords` when it holds one (no PBKDF2), for load drivers and benchmarks.
    @discardableResult
    package func login(
        user: String, password: String, minimumIterations: Int = ScramClientExchange.defaultMinimumIterations,
        minimumSaltLength: Int = ScramClientExchange.defaultMinimumSaltLength, saltedPasswords: SaltedPasswordCache?
    ) throws -> Welcome {
        var exchange = ScramClientExchange(user: user)
        try socket.write("AUTH SCRAM-SHA-256 \(exchange.clientFirst)\n")
        let challenge = try readFrame()
        guard challenge.kind == .challenge else { throw Self.failure(from: challenge) }
        let proof = try exchange.proof(
            forChallenge: challenge.payload.trimmingTrailingNewline, password: password,
            minimumIterations: minimumIterations, minimumSaltLength: minimumSaltLength, saltedPasswords: saltedPasswords)
        try socket.write("PROOF \(proof)\n")
        let answer = try readFrame()
        guard answer.kind == .welcome else { throw Self.failure(from: answer) }
        let fields = answer.payload.trimmingTrailingNewline.split(separator: " ", maxSplits: 1)
        guard let signature = fields.first else { throw LoginFailure.protocolError("empty welcome") }
        try exchange.verifyServer(String(signature))
        let welcome = Welcome(line: fields.count > 1 ? String(fields[1]) : "")
        self.welcome = welcome
        return welcome
    }

    /// Sends one command line and returns its reply frame (`OK` or `ERR`, or `BYE` if the
    /// server closed the session instead). Notices that arrive before the reply are kept in
    /// ``notices``.
    public func run(_ command: String, json: Bool = false) throws -> Frame {
        try sendCommand(command, json: json)
        return try readFrame()
    }

    /// Sends one command line without waiting for its reply; read it later with ``readFrame()``.
    /// A session runs its lines one at a time and answers them in order; the server keeps at
    /// most 16 waiting and answers more with an error. For a script that drives several sessions
    /// from one thread (send to each, then read each reply).
    public func sendCommand(_ command: String, json: Bool = false) throws {
        try socket.write((json ? "@json " : "") + command + "\n")
    }

    /// Sends the interrupt request (protocol version 2, docs/protocol.md) without waiting: the
    /// server ends the session's log follows and drops its lines still waiting, then answers it
    /// in its turn, after the reply of a command already running; read that with ``readFrame()``.
    public func sendInterrupt() throws {
        try socket.write("interrupt\n")
    }

    /// The connection's file descriptor (-1 once closed), for a client that waits on several
    /// connections with `poll(2)` and reads a reply (``readFrame()``) once its socket is readable.
    public var fileDescriptor: Int32 { socket.fileDescriptor }

    /// The most notices kept in ``notices``: older ones make room for newer ones.
    package static let noticeLimit = 256

    /// The `NOTICE` frames (protocol version 2: a watch's report, sequence 0) that arrived while
    /// a reply was read, oldest first: at most 256, the oldest dropped first.
    public private(set) var notices: [Frame] = []

    /// Returns the notices kept so far and forgets them (for a client to show them).
    public func takeNotices() -> [Frame] {
        defer { notices = [] }
        return notices
    }

    /// Reads the next frame that is not a notice; notices read meanwhile are kept in ``notices``.
    /// A header announcing more than ``maximumPayloadBytes`` closes the connection and throws
    /// ``OversizedReply``.
    public func readFrame() throws -> Frame {
        while true {
            let frame = try readAnyFrame()
            guard frame.kind == .notice else { return frame }
            keep(frame)
        }
    }

    /// Reads the frames that have arrived, without waiting for more, and keeps the notices in
    /// ``notices``; returns the first frame that is not a notice (a `BYE` from a server that ends
    /// the session), if one came. For a client that shows notices while no command runs. Reads
    /// at most ``noticeLimit`` frames a call, so that a flood of notices cannot keep the caller
    /// (a prompt waiting for keys) from its other input.
    package func readArrivedFrames() throws -> Frame? {
        var read = 0
        while read < Self.noticeLimit, socket.hasInput() {
            read += 1
            let frame = try readAnyFrame()
            guard frame.kind == .notice else { return frame }
            keep(frame)
        }
        return nil
    }

    private func keep(_ notice: Frame) {
        if notices.count >= Self.noticeLimit { notices.removeFirst(notices.count - Self.noticeLimit + 1) }
        notices.append(notice)
    }

    /// The largest payload a frame may announce: 16 MiB by default, far above the server's
    /// 256 KiB reply limit. A header announcing more ends the connection with ``OversizedReply``
    /// before anything is allocated or read for it.
    public var maximumPayloadBytes = ManholeConnection.defaultMaximumPayloadBytes

    /// The default of ``maximumPayloadBytes``: 16 MiB.
    public static let defaultMaximumPayloadBytes = 16 << 20

    /// Reads the next frame, a notice included. A header announcing more than
    /// ``maximumPayloadBytes`` closes the connection and throws ``OversizedReply``.
    package func readAnyFrame() throws -> Frame {
        do {
            return try Self.readFrame(from: socket, maximumPayload: maximumPayloadBytes)
        } catch let error as OversizedReply {
            socket.close()
            throw error
        }
    }

    /// Closes the connection.
    public func close() { socket.close() }

    /// Reads one frame from any source of bytes (the socket, or bytes in memory for the fuzzer):
    /// the header line, the payload and its newline. A length above `maximumPayload` throws
    /// ``OversizedReply`` before the payload is read.
    package static func readFrame(
        from socket: some FrameSource, maximumPayload: Int = defaultMaximumPayloadBytes
    ) throws -> Frame {
        let headerBytes = try socket.readLine(maximum: 256)
        let header = String(decoding: headerBytes, as: UTF8.self)
        guard let parsed = Frame.parseHeader(Substring(header)) else {
            throw LoginFailure.protocolError("bad frame header \"\(header.prefix(80))\"")
        }
        guard parsed.length <= maximumPayload else {
            throw OversizedReply(length: parsed.length, limit: maximumPayload)
        }
        // The payload and its newline are read apart: `length + 1` would overflow for `Int.max`.
        let payload = try socket.read(exactly: parsed.length)
        guard try socket.read(exactly: 1) == [UInt8(ascii: "\n")] else {
            throw LoginFailure.protocolError("frame without its final newline")
        }
        return Frame(
            parsed.kind, sequence: parsed.sequence, format: parsed.format,
            payload: String(decoding: payload, as: UTF8.self))
    }

    private static func failure(from frame: Frame) -> LoginFailure {
        switch frame.kind {
        case .denied: .denied(frame.payload.trimmingTrailingNewline)
        case .bye: .refused(frame.payload.trimmingTrailingNewline)
        default: .protocolError("unexpected \(frame.kind.rawValue): \(frame.payload.trimmingTrailingNewline)")
        }
    }
}

extension String {
    /// The string without one trailing newline.
    package var trimmingTrailingNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
