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
        var isStopped = false
    }

    private let state: NIOLockedValueBox<State>

    init(throttle: LoginThrottle) {
        state = NIOLockedValueBox(State(throttle: throttle))
    }

    /// Admits a new connection if the limits allow; returns its id, or why it was refused.
    func admit(peer: String, channel: any Channel, configuration: Manhole.Configuration) -> Result<Int, AdmissionRefusal> {
        state.withLockedValue { state in
            if state.isStopped { return .failure(.stopping) }
            let pending = state.sessions.values.filter { $0.user == nil }.count
            let authenticated = state.sessions.count - pending
            if pending >= configuration.maxPendingLogins { return .failure(.tooManyPendingLogins(configuration.maxPendingLogins)) }
            if authenticated >= configuration.maxSessions { return .failure(.tooManySessions(configuration.maxSessions)) }
            state.nextID += 1
            state.sessions[state.nextID] = SessionInfo(
                id: state.nextID, user: nil, role: nil, peer: peer,
                connectedAtUptime: Double(NIODeadline.now().uptimeNanoseconds) / 1e9, commands: 0, lastCommand: nil)
            state.channels[state.nextID] = channel
            return .success(state.nextID)
        }
    }

    /// Marks a session as logged in; fails when the authenticated-session limit is reached.
    func authenticate(id: Int, user: String, role: Role, maxSessions: Int) -> Bool {
        state.withLockedValue { state in
            let authenticated = state.sessions.values.filter { $0.user != nil }.count
            guard authenticated < maxSessions else { return false }
            state.sessions[id]?.user = user
            state.sessions[id]?.role = role
            return true
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
        }
    }

    /// Every session, by id.
    var sessions: [SessionInfo] {
        state.withLockedValue { $0.sessions.values.sorted { $0.id < $1.id } }
    }

    func recordFailure(from peer: String) -> TimeAmount {
        state.withLockedValue { $0.throttle.recordFailure(from: peer) }
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
