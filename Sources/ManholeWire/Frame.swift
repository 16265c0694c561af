/// One message from the server: a header line, then exactly `length` bytes of payload, then a
/// newline (see docs/protocol.md). The client always knows where a reply ends and whether it
/// succeeded, whatever the payload contains.
///
/// ```
/// OK 3 12 text
/// hello world!
/// ```
public struct Frame: Sendable, Hashable {
    /// What kind of message a frame is.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The greeting: protocol version and login mechanism.
        case hello = "HELLO"
        /// The login challenge (salt, iterations, combined nonce).
        case challenge = "CHALLENGE"
        /// Login succeeded: the server's proof, the user and role.
        case welcome = "WELCOME"
        /// Login failed (the same reply whatever the reason).
        case denied = "DENIED"
        /// A command succeeded.
        case ok = "OK"
        /// A command (or a line) failed; the payload says why.
        case error = "ERR"
        /// The server closes the session; the payload says why.
        case bye = "BYE"
        /// Something a watch reports (protocol version 2): sequence 0, never a reply; it may
        /// arrive between any two replies, only after `WELCOME`.
        case notice = "NOTICE"
    }

    /// The payload's format.
    public enum Format: String, Sendable, Hashable {
        /// Plain UTF-8 text, as a terminal shows it.
        case text
        /// One JSON value.
        case json
    }

    /// The kind of message.
    public var kind: Kind
    /// The number of the request this answers (1 for the first line the client sent), or 0 for a
    /// message nobody asked for (greeting, goodbye, notice).
    public var sequence: Int
    /// The payload format.
    public var format: Format
    /// The payload.
    public var payload: String

    /// Creates a frame.
    public init(_ kind: Kind, sequence: Int, format: Format = .text, payload: String) {
        self.kind = kind
        self.sequence = sequence
        self.format = format
        self.payload = payload
    }

    /// The header line, without its newline: `KIND SEQUENCE LENGTH FORMAT`.
    package var header: String {
        "\(kind.rawValue) \(sequence) \(payload.utf8.count) \(format.rawValue)"
    }

    /// The whole frame as it goes on the wire.
    package var encoded: String { "\(header)\n\(payload)\n" }

    /// Parses a header line into the frame's kind, sequence, payload length and format.
    package static func parseHeader(_ line: Substring) -> (kind: Kind, sequence: Int, length: Int, format: Format)? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 4, let kind = Kind(rawValue: String(fields[0])),
            let sequence = Int(fields[1]), sequence >= 0,
            let length = Int(fields[2]), length >= 0,
            let format = Format(rawValue: String(fields[3]))
        else { return nil }
        return (kind, sequence, length, format)
    }
}
