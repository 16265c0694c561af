import NIOConcurrencyHelpers
import NIOCore

/// What the listener and its sessions share: the live sessions, the login throttle and the
/// queues of connections waiting for their login verdict, the limits on what sources may log
/// before login, and the session ids. Touched from the reactor loop and from any thread that
/// lists sessions.
final class ServerState: Sendable {
    private struct State: Sendable {
        var sessions: [Int: SessionInfo] = [:]
        var channels: [Int: any Channel] = [:]
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
    }

    /// How many verdicts ``recentVerdicts`` keeps.
    static let verdictHistoryLimit = 4_096

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
    /// connection that has been silent longest (sent no line for the longest time), once it has
    /// been silent for a tenth of the login deadline: connections that sit silent cannot keep out
    /// one that is logging in. Only when every pending connection spoke within that grace is the
    /// new one refused.
    func admit(peer: String, channel: any Channel, configuration: Manhole.Configuration) -> Result<Admission, AdmissionRefusal> {
        state.withLockedValue { state in
            if state.isStopped { return .failure(.stopping) }
            let pending = state.sessions.values.filter { $0.user == nil }.count
            let authenticated = state.sessions.count - pending
            if authenticated >= configuration.maxSessions { return .failure(.tooManySessions(configuration.maxSessions)) }
            var evicted: (any Channel)?
            let now = NIODeadline.now()
            if pending >= configuration.maxPendingLogins {
                let grace = TimeAmount.nanoseconds(TimeAmount(configuration.authTimeout).nanoseconds / 10)
                let victim = state.lastHeard.min { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }
                guard let victim, now - victim.value >= grace else {
                    return .failure(.tooManyPendingLogins(configuration.maxPendingLogins))
                }
                evicted = state.channels[victim.key]
                Self.forget(&state, id: victim.key)
            }
            state.nextID += 1
            state.sessions[state.nextID] = SessionInfo(
                id: state.nextID, user: nil, role: nil, peer: peer,
                connectedAtUptime: Double(now.uptimeNanoseconds) / 1e9, commands: 0, lastCommand: nil)
            state.channels[state.nextID] = channel
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

    /// Takes session `id` out of the table (its slot is free at once) and returns its channel and
    /// what it was, so that the caller can say goodbye; `nil` if there is no such session.
    func kick(id: Int) -> (channel: any Channel, session: SessionInfo)? {
        state.withLockedValue { state in
            guard let session = state.sessions[id], let channel = state.channels[id] else { return nil }
            Self.forget(&state, id: id)
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
        state.withLockedValue { Self.forget(&$0, id: id) }
    }

    /// Drops session `id` from every table: its slot is free at once.
    private static func forget(_ state: inout State, id: Int) {
        state.sessions[id] = nil
        state.channels[id] = nil
        state.lastHeard[id] = nil
    }

    /// Every session, by id.
    var sessions: [SessionInfo] {
        state.withLockedValue { $0.sessions.values.sorted { $0.id < $1.id } }
    }

    /// Notes that connection `id`, still logging in, sent a line (see ``admit(peer:channel:configuration:)``).
    func heard(id: Int) {
        state.withLockedValue { state in
            if state.lastHeard[id] != nil { state.lastHeard[id] = .now() }
        }
    }

    // MARK: - Verdicts

    /// When a connection may have its login verdict.
    enum VerdictTurn {
        /// Now: the caller judges and answers at once.
        case now
        /// Later: the connection waits in its source's queue; `deliver` is called in turn.
        case queued
    }

    /// Asks for the turn of connection `id` from `source` to receive a login verdict (welcome or
    /// denial). With nobody of its source waiting and no penalty due, the answer is ``VerdictTurn/now``;
    /// otherwise the connection joins its source's queue and `deliver` runs on `eventLoop` once the
    /// source's throttle delay since its last verdict has passed (see ``LoginThrottle``). `deliver`
    /// records the verdict it gives (``recordFailure(id:from:)``, ``recordSuccess(from:)``), or
    /// does nothing if the connection has gone: then the next in line is served at once.
    func verdictTurn(
        id: Int, source: LoginSource, eventLoop: any EventLoop, deliver: @escaping @Sendable () -> Void
    ) -> VerdictTurn {
        enum Outcome { case now, queued(wakeAt: NIODeadline?) }
        let outcome = state.withLockedValue { state -> Outcome in
            let now = NIODeadline.now()
            var queue = state.verdictQueues[source] ?? VerdictQueue()
            if queue.isEmpty, state.throttle.nextVerdict(for: source, at: now) <= now {
                // The turn is taken now, whatever the verdict will be.
                state.throttle.reserveVerdict(for: source, at: now)
                return .now
            }
            queue.append(VerdictQueue.Waiter(id: id, deliver: deliver))
            let schedule = !queue.wakeScheduled
            queue.wakeScheduled = true
            state.verdictQueues[source] = queue
            return .queued(wakeAt: schedule ? state.throttle.nextVerdict(for: source, at: now) : nil)
        }
        switch outcome {
        case .now:
            return .now
        case .queued(let wakeAt):
            if let wakeAt { scheduleVerdicts(of: source, at: wakeAt, on: eventLoop) }
            return .queued
        }
    }

    /// Takes connection `id` out of its source's verdict queue (it closed while waiting).
    func leaveVerdictQueue(id: Int, source: LoginSource) {
        state.withLockedValue { state in
            state.verdictQueues[source]?.remove(id: id)
        }
    }

    private func scheduleVerdicts(of source: LoginSource, at deadline: NIODeadline, on eventLoop: any EventLoop) {
        eventLoop.scheduleTask(deadline: deadline) { self.serveVerdicts(of: source, on: eventLoop) }
    }

    /// Gives the waiting connections of `source` their verdicts in turn, each once the source's
    /// delay since its last verdict has passed; schedules itself again for the next one.
    private func serveVerdicts(of source: LoginSource, on eventLoop: any EventLoop) {
        enum Step { case done, wait(until: NIODeadline), serve(VerdictQueue.Waiter) }
        while true {
            let step = state.withLockedValue { state -> Step in
                guard var queue = state.verdictQueues[source], !queue.isEmpty else {
                    state.verdictQueues[source] = nil
                    return .done
                }
                let now = NIODeadline.now()
                let next = state.throttle.nextVerdict(for: source, at: now)
                if next > now { return .wait(until: next) }
                let waiter = queue.popFirst()!
                state.verdictQueues[source] = queue
                return .serve(waiter)
            }
            switch step {
            case .done:
                return
            case .wait(let deadline):
                return scheduleVerdicts(of: source, at: deadline, on: eventLoop)
            case .serve(let waiter):
                // A connection that went meanwhile gives no verdict: the next one is served now.
                waiter.deliver()
            }
        }
    }

    /// Records a verdict that denied session `id` from `source` (a failed login); returns the
    /// least time before the source's next verdict.
    @discardableResult
    func recordFailure(id: Int, from source: LoginSource) -> TimeAmount {
        state.withLockedValue { state in
            let now = NIODeadline.now()
            Self.remember(&state, VerdictRecord(source: source, at: now, failuresBefore: state.throttle.failures(of: source), welcome: false))
            return state.throttle.recordFailure(from: source, at: now)
        }
    }

    /// Records a verdict that let a connection from `source` in.
    func recordSuccess(from source: LoginSource) {
        state.withLockedValue { state in
            let now = NIODeadline.now()
            Self.remember(&state, VerdictRecord(source: source, at: now, failuresBefore: state.throttle.failures(of: source), welcome: true))
            state.throttle.recordSuccess(of: source, at: now)
        }
    }

    private static func remember(_ state: inout State, _ verdict: VerdictRecord) {
        if state.recentVerdicts.count >= verdictHistoryLimit { state.recentVerdicts.removeFirst(verdictHistoryLimit / 2) }
        state.recentVerdicts.append(verdict)
    }

    /// The latest verdicts given, oldest first (up to ``verdictHistoryLimit``).
    var recentVerdicts: [VerdictRecord] { state.withLockedValue { $0.recentVerdicts } }

    /// The failed logins on record for a source, and the least time between its verdicts now.
    func throttle(of source: LoginSource) -> (failures: Int, nextDelay: TimeAmount) {
        state.withLockedValue { state in
            let failures = state.throttle.failures(of: source)
            return (failures, state.throttle.delay(afterFailures: failures))
        }
    }

    /// The failed logins on record for the source of an address in text form (see ``throttle(of:)-(LoginSource)``).
    func throttle(of address: String) -> (failures: Int, nextDelay: TimeAmount) {
        throttle(of: LoginSource(address: address))
    }

    /// How many sources the throttle remembers.
    var throttledSources: Int { state.withLockedValue { $0.throttle.count } }

    // MARK: - Logs before login

    /// Whether a line logged before login from `source` may be written now, and how many such
    /// lines of the source were dropped since the last report (see ``LogLimiter``).
    func mayLogBeforeLogin(from source: LoginSource) -> (log: Bool, dropped: Int) {
        state.withLockedValue { $0.logLimiter.admit(source) }
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
