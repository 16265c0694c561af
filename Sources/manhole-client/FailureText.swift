import ManholeClient
import ManholeWire

/// How the client words a failure for its user: the error's own description, plus the option
/// that changes the outcome when there is one.
enum FailureText {
    /// One line for `error`.
    static func explain(_ error: any Error) -> String {
        switch error {
        case ScramClientExchange.Failure.weakIterations, ScramClientExchange.Failure.weakSalt:
            "\(error); no proof was sent (a server with weak parameters may be an impostor on the port; "
                + "--allow-weak-server-parameters accepts them for a test server)"
        case is OversizedReply:
            "\(error); the connection is closed (--max-reply-bytes raises the limit)"
        default:
            "\(error)"
        }
    }
}
