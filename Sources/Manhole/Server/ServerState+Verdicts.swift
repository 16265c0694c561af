import NIOCore

/// The login verdicts: each source's turn (``LoginThrottle``), the queues of connections waiting
/// for theirs (``VerdictQueue``), the record of verdicts given, and the limit on what a source may
/// log before login.
extension ServerState {
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

    static func remember(_ state: inout State, _ verdict: VerdictRecord) {
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
}
