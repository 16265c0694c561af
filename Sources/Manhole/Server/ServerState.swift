import NIOConcurrencyHelpers
import NIOCore

/// What the listener and its sessions share: the live sessions, the login throttle and the
/// queues of connections waiting for their login verdict, the limits on what sources may log
/// before login, and the session ids. Touched from the reactor loop and from any thread that
/// lists sessions.
final class ServerState: Sendable {
    /// The tables, under one lock (``state``). Only ServerState's own files touch them.
    struct State: Sendable {
        var sessions: [Int: SessionInfo] = [:]
        var controls: [Int: SessionControl] = [:]
        var nextID = 0
        var throttle: LoginThrottle
        /// When each connection still logging in last sent a line (or connected), by session id.
        var lastHeard: [Int: NIODeadline] = [:]
        /// The connections waiting for a login verdict, per source.
        var verdictQueues: [LoginSource: VerdictQueue] = [:]
        /// The latest verdicts, oldest first (at most ``ServerState/verdictHistoryLimit``).
        var recentVerdicts: [VerdictRecord] = []
        /// What each source may log before it has logged in.
        var logLimiter = LogLimiter()
        var isStopped = false
        /// Listeners of other transports (SSH), closed with the manhole's own.
        var otherListeners: [any Channel] = []
    }

    /// How many verdicts ``recentVerdicts`` keeps.
    static let verdictHistoryLimit = 4_096

    let state: NIOLockedValueBox<State>

    init(throttle: LoginThrottle) {
        state = NIOLockedValueBox(State(throttle: throttle))
    }

    /// A connection let in, and the one it displaced, if any (see ``admit(peer:control:configuration:)``).
    struct Admission {
        var id: Int
        /// A connection still logging in that was dropped to make room: the caller says goodbye to it.
        var evicted: SessionControl?
    }

    /// Admits a new connection if the limits allow; returns its id, or why it was refused.
    ///
    /// When every pending-login slot is taken, the new connection takes the slot of the pending
    /// connection that has been silent longest (sent no line for the longest time), once it has
    /// been silent for a tenth of the login deadline: connections that sit silent cannot keep out
    /// one that is logging in. Only when every pending connection spoke within that grace is the
    /// new one refused.
    func admit(peer: String, control: SessionControl, configuration: Manhole.Configuration) -> Result<Admission, AdmissionRefusal> {
        state.withLockedValue { state in
            if state.isStopped { return .failure(.stopping) }
            let pending = state.sessions.values.filter { $0.user == nil }.count
            let authenticated = state.sessions.count - pending
            if authenticated >= configuration.maxSessions { return .failure(.tooManySessions(configuration.maxSessions)) }
            var evicted: SessionControl?
            let now = NIODeadline.now()
            if pending >= configuration.maxPendingLogins {
                let grace = TimeAmount.nanoseconds(TimeAmount(configuration.authTimeout).nanoseconds / 10)
                let victim = state.lastHeard.min { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }
                guard let victim, now - victim.value >= grace else {
                    return .failure(.tooManyPendingLogins(configuration.maxPendingLogins))
                }
                evicted = state.controls[victim.key]
                Self.forget(&state, id: victim.key)
            }
            state.nextID += 1
            state.sessions[state.nextID] = SessionInfo(
                id: state.nextID, user: nil, role: nil, peer: peer,
                connectedAtUptime: Double(now.uptimeNanoseconds) / 1e9, commands: 0, lastCommand: nil)
            state.controls[state.nextID] = control
            state.lastHeard[state.nextID] = now
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
            state.lastHeard[id] = nil
            return nil
        }
    }

    /// Takes session `id` out of the table (its slot is free at once) and returns its control and
    /// what it was, so that the caller can say goodbye; `nil` if there is no such session.
    func kick(id: Int) -> (control: SessionControl, session: SessionInfo)? {
        state.withLockedValue { state in
            guard let session = state.sessions[id], let control = state.controls[id] else { return nil }
            Self.forget(&state, id: id)
            return (control, session)
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
        state.withLockedValue { Self.forget(&$0, id: id) }
    }

    /// Drops session `id` from every table: its slot is free at once.
    static func forget(_ state: inout State, id: Int) {
        state.sessions[id] = nil
        state.controls[id] = nil
        state.lastHeard[id] = nil
    }

    /// Every session, by id.
    var sessions: [SessionInfo] {
        state.withLockedValue { $0.sessions.values.sorted { $0.id < $1.id } }
    }

    /// Notes that connection `id`, still logging in, sent a line (see ``admit(peer:control:configuration:)``).
    func heard(id: Int) {
        state.withLockedValue { state in
            if state.lastHeard[id] != nil { state.lastHeard[id] = .now() }
        }
    }

    /// Refuses new connections and returns the open ones, so the caller can say goodbye.
    func stop() -> (sessions: [SessionControl], listeners: [any Channel]) {
        state.withLockedValue { state in
            state.isStopped = true
            defer { state.otherListeners = [] }
            return (Array(state.controls.values), state.otherListeners)
        }
    }

    /// Adds another transport's listener, closed when the manhole stops; `false` (and nothing
    /// added) once it has stopped.
    func addListener(_ channel: any Channel) -> Bool {
        state.withLockedValue { state in
            guard !state.isStopped else { return false }
            state.otherListeners.append(channel)
            return true
        }
    }
}
