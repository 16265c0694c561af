/// Why a connection was turned away at once.
enum AdmissionRefusal: Error, Sendable, CustomStringConvertible {
    case tooManySessions(Int)
    case tooManyPendingLogins(Int)
    case stopping

    var description: String {
        switch self {
        case .tooManySessions(let limit): "too many sessions (the limit is \(limit)); try again later"
        case .tooManyPendingLogins(let limit): "too many connections logging in at once (the limit is \(limit))"
        case .stopping: "the manhole is stopping"
        }
    }
}

/// Why a login with the right password was still refused: a session limit.
enum SessionRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    case tooManySessions(Int)
    case tooManySessionsForUser(String, Int)
    case readOnlySlotsTaken(Int, reserved: Int)
    case closed

    var description: String {
        switch self {
        case .tooManySessions(let limit): "too many sessions (the limit is \(limit)); try again later"
        case .tooManySessionsForUser(let user, let limit):
            "too many sessions for user '\(user)' (the limit is \(limit) per user); close one or try again later"
        case .readOnlySlotsTaken(let limit, let reserved):
            "every session open to read-only users is taken (\(limit); \(reserved) more are kept for admins); try again later"
        case .closed: "the session was closed"
        }
    }
}
