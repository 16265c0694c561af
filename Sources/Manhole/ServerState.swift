import NIOConcurrencyHelpers
import NIOCore

/// What the listener and its sessions share: the live sessions, the login throttle, and the
/// session ids. Touched from the reactor loop and from any thread that lists sessions.
final class ServerState: Sendable {
    private struct State: Sendable {
        var sessions: [Int: SessionInfo] = [:]
        var channels: [Int: any Channel] = [:]
        var nextID = 0
        var throttle: LoginThrottle
        /// Failed logins of each connection still logging in, by session id.
        var loginFailures: [Int: Int] = [:]
        var isStopped = false
    }

    private let state: NIOLockedValueBox<State>

    init(throttle: LoginThrottle) {
        state = NIOLockedValueBox(State(throttle: throttle))
    }

    /// A connection let in, and the one it displaced, if any (see ``admit(peer:channel:configuration:)``).
    struct Admission {
        var id: Int
        /// A connection still logging in that was dropped to make room: the caller says goodbye to it.
        var evicted: (any Channel)?
    }

    /// Admits a new connection if the limits allow; returns its id, or why it was refused.
    ///
    /// When every pending-login slot is taken, the new connection takes the slot of the pending
    /// connection with the most failed logins (the oldest of those on a tie), which is waiting out
    /// a throttle delay: an attacker cannot hold every slot with failing connections and lock the
    /// right user out. Only when no pending connection has failed is the new one refused.
    func admit(peer: String, channel: any Channel, configuration: Manhole.Configuration) -> Result<Admission, AdmissionRefusal> {
        state.withLockedValue { state in
            if state.isStopped { return .failure(.stopping) }
            let pending = state.sessions.values.filter { $0.user == nil }.count
            let authenticated = state.sessions.count - pending
            if authenticated >= configuration.maxSessions { return .failure(.tooManySessions(configuration.maxSessions)) }
            var evicted: (any Channel)?
            if pending >= configuration.maxPendingLogins {
                let victim = state.loginFailures.filter { $0.value > 0 }
                    .max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }
                guard let victim else { return .failure(.tooManyPendingLogins(configuration.maxPendingLogins)) }
                evicted = state.channels[victim.key]
                state.sessions[victim.key] = nil
                state.channels[victim.key] = nil
                state.loginFailures[victim.key] = nil
            }
            state.nextID += 1
            state.sessions[state.nextID] = SessionInfo(
                id: state.nextID, user: nil, role: nil, peer: peer,
                connectedAtUptime: Double(NIODeadline.now().uptimeNanoseconds) / 1e9, commands: 0, lastCommand: nil)
            state.channels[state.nextID] = channel
            return .success(Admission(id: state.nextID, evicted: evicted))
        }
    }

    /// Marks a session as logged in, or says which session limit refuses it: every session is
    /// taken, the user already holds ``Manhole/Configuration/maxSessionsPerUser``, or a read-only
    /// user would take one of the ``Manhole/Configuration/adminReservedSessions`` slots.
    func authenticate(id: Int, user: String, role: Role, configuration: Manhole.Configuration) -> SessionRefusal? {
        state.withLockedValue { state in
            // Kicked (or closed) while its proof was checked: it may not come back.
            guard state.sessions[id] != nil else { return .closed }
            let authenticated = state.sessions.values.filter { $0.user != nil }
            if authenticated.count >= configuration.maxSessions { return .tooManySessions(configuration.maxSessions) }
            let perUser = max(1, configuration.maxSessionsPerUser)
            if authenticated.count(where: { $0.user == user }) >= perUser { return .tooManySessionsForUser(user, perUser) }
            if role == .readOnly {
                let reserved = min(max(0, configuration.adminReservedSessions), configuration.maxSessions)
                if authenticated.count(where: { $0.role == .readOnly }) >= configuration.maxSessions - reserved {
                    return .readOnlySlotsTaken(configuration.maxSessions - reserved, reserved: reserved)
                }
            }
            state.sessions[id]?.user = user
            state.sessions[id]?.role = role
            state.loginFailures[id] = nil
            return nil
        }
    }

    /// Takes session `id` out of the table (its slot is free at once) and returns its channel and
    /// what it was, so that the caller can say goodbye; `nil` if there is no such session.
    func kick(id: Int) -> (channel: any Channel, session: SessionInfo)? {
        state.withLockedValue { state in
            guard let session = state.sessions[id], let channel = state.channels[id] else { return nil }
            state.sessions[id] = nil
            state.channels[id] = nil
            state.loginFailures[id] = nil
            return (channel, session)
        }
    }

    /// Counts a command for the `sessions` listing.
    func recordCommand(id: Int, name: String) {
        state.withLockedValue { state in
            state.sessions[id]?.commands += 1
            state.sessions[id]?.lastCommand = name
        }
    }

    func remove(id: Int) {
        state.withLockedValue { state in
            state.sessions[id] = nil
            state.channels[id] = nil
            state.loginFailures[id] = nil
        }
    }

    /// Every session, by id.
    var sessions: [SessionInfo] {
        state.withLockedValue { $0.sessions.values.sorted { $0.id < $1.id } }
    }

    /// Records a failed login of session `id` from the peer `address` (an IP address, without
    /// the port: every connection from one host shares its throttle); returns the answer's delay.
    func recordFailure(id: Int, from address: String) -> TimeAmount {
        state.withLockedValue { state in
            if state.sessions[id] != nil { state.loginFailures[id, default: 0] += 1 }
            return state.throttle.recordFailure(from: address)
        }
    }

    /// The failed logins on record for a peer address, and the delay its next failure would wait.
    func throttle(of address: String) -> (failures: Int, nextDelay: TimeAmount) {
        state.withLockedValue { state in
            let failures = state.throttle.failures(of: address)
            return (failures, state.throttle.delay(afterFailures: failures + 1))
        }
    }

    /// Refuses new connections and returns the open ones, so the caller can say goodbye.
    func stop() -> [any Channel] {
        state.withLockedValue { state in
            state.isStopped = true
            return Array(state.channels.values)
        }
    }
}

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
