import NIOCore

extension Reactor {
    /// Runs `body` once on the reactor thread after `delay`: Twisted's `callLater`.
    ///
    /// The call is listed (the manhole's `timers` command) until it fires or is cancelled. An
    /// error the body throws is logged and kept as the timer's last error. On a stopped reactor
    /// the returned call is already inactive.
    /// - Parameters:
    ///   - delay: How long from now.
    ///   - name: A name for listings (`"refresh-cache"`).
    ///   - fileID: The caller's file, kept as the timer's call site (`timers`, logged errors).
    ///   - line: The caller's line.
    ///   - function: The caller's function.
    ///   - body: The work, run on the reactor thread.
    public func callLater(
        _ delay: Duration, name: String,
        fileID: String = #fileID, line: Int = #line, function: String = #function,
        _ body: @escaping @Sendable () throws -> Void
    ) -> DelayedCall {
        let call = DelayedCall(
            id: timerRegistry.makeID(), name: name, callSite: CallSite(fileID: fileID, line: line, function: function),
            deadline: .now() + TimeAmount(delay), gate: gate, registry: timerRegistry, logger: logger, body: body)
        call.start()
        return call
    }

    /// Runs `body` on the reactor thread every `interval` until stopped: Twisted's `LoopingCall`.
    ///
    /// - Parameters:
    ///   - interval: The time between runs (fixed rate; missed runs are skipped).
    ///   - now: Run once immediately (`true`, Twisted's default) or first after one interval.
    ///   - name: A name for listings.
    ///   - stopOnError: Stop at the first error the body throws, instead of running on (the
    ///     default); either way the error is logged and kept as the timer's last error.
    ///   - fileID: The caller's file, kept as the timer's call site (`timers`, logged errors).
    ///   - line: The caller's line.
    ///   - function: The caller's function.
    ///   - body: The work, run on the reactor thread.
    public func loopingCall(
        every interval: Duration, now: Bool = true, name: String, stopOnError: Bool = false,
        fileID: String = #fileID, line: Int = #line, function: String = #function,
        _ body: @escaping @Sendable () throws -> Void
    ) -> LoopingCall {
        let call = LoopingCall(
            id: timerRegistry.makeID(), name: name, interval: interval, stopsOnError: stopOnError,
            callSite: CallSite(fileID: fileID, line: line, function: function), gate: gate,
            registry: timerRegistry, logger: logger, body: body)
        call.start(now: now)
        return call
    }

    /// Snapshots of up to `limit` live timers, oldest first. Safe from any thread; costs the page, not the registry.
    package func timers(limit: Int = .max) -> [TimerInfo] {
        timerRegistry.list(limit: limit)
    }

    /// How many timers are live.
    package var timerCount: Int { timerRegistry.count }

    /// Cancels (or stops) the live timer with this id; returns `false` when there is none.
    @discardableResult
    package func cancelTimer(id: Int) -> Bool {
        guard let timer = timerRegistry.lookup(id: id) else { return false }
        timer.cancel()
        return true
    }
}
