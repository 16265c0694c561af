/// How `manhole-client` ends, as its exit status (documented in `--help`).
enum ClientExitStatus: Int32, Sendable, Comparable {
    /// Every command succeeded (or the interactive session ended normally).
    case success = 0
    /// At least one command got an error reply; the others still ran.
    case commandFailed = 1
    /// No session: the server could not be reached, the login failed, or the connection was
    /// lost in the middle.
    case connectionFailed = 2

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
