/// Why the manhole refused to start.
public enum ManholeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No user was given: the manhole never runs without authentication.
    case noUsers
    /// A user's name is empty, too long, or uses characters outside `A–Z a–z 0–9 . _ -`.
    case invalidUserName(String)
    /// A user's password is shorter than 8 characters (empty included).
    case weakPassword(user: String)
    /// The host is not a loopback address and `allowNonLoopback` is off.
    case nonLoopbackAddress(String)
    /// `start` was called on the reactor thread, where deriving keys would stall the loop.
    case startedOnReactorThread
    /// Binding the listening socket failed.
    case bindFailed(String)
    /// A host command's name is empty, has spaces, or is a built-in command's name.
    case invalidCommandName(String)
    /// The Unix-domain socket's path or directory is unsafe or unusable (see
    /// ``Manhole/Configuration/unixSocketPath``).
    case unsafeSocketDirectory(path: String, reason: String)
    /// Neither TCP nor a Unix-domain socket is configured: there would be nothing to connect to.
    case noListener

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .noUsers: "no users configured: the manhole needs at least one user with a password"
        case .invalidUserName(let name): "invalid user name \"\(name)\": use 1–64 characters from A–Z a–z 0–9 . _ -"
        case .weakPassword(let user): "the password of user \"\(user)\" is shorter than 8 characters"
        case .nonLoopbackAddress(let host): "refusing to listen on \(host): not a loopback address (set allowNonLoopback to opt in)"
        case .startedOnReactorThread: "Manhole.start must not be called on the reactor thread"
        case .bindFailed(let reason): "could not listen: \(reason)"
        case .invalidCommandName(let name): "cannot add command \"\(name)\": empty, has spaces, or is a built-in"
        case .unsafeSocketDirectory(let path, let reason): "refusing the Unix-domain socket \(path): \(reason)"
        case .noListener: "nothing to listen on: listenOnTCP is off and no unixSocketPath is set"
        }
    }
}
