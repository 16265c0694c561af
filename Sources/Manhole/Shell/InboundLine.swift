/// What the line decoder hands the session: a line, or the reason a line was refused.
package enum InboundLine: Sendable, Equatable {
    /// A complete line, without its `\n` (and `\r`), valid UTF-8 with no NUL or control bytes
    /// other than tab.
    case line(String)
    /// A line longer than the limit; its bytes were discarded up to and including its newline.
    case tooLong(limit: Int)
    /// A line that is not valid UTF-8.
    case invalidUTF8
    /// A line holding a NUL byte or another control character.
    case controlBytes
    /// A line holding telnet negotiation (IAC, byte 255).
    case telnetNegotiation
}

extension InboundLine {
    /// Why the line was refused, as the client is told; `nil` for a line.
    var problem: String? {
        switch self {
        case .line: nil
        case .tooLong(let limit): "line too long (the limit is \(limit) bytes); it was discarded"
        case .invalidUTF8: "the line is not valid UTF-8; it was discarded"
        case .controlBytes: "the line holds NUL or control bytes; it was discarded"
        case .telnetNegotiation: "telnet negotiation is not supported (use manhole-client or a raw TCP client)"
        }
    }
}
