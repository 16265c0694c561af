import Dispatch
import NIOCore

extension Reactor {
    /// Adds work to run when the reactor stops.
    ///
    /// - Parameters:
    ///   - name: Named in logs, and in the warning when the hook overruns `timeout`.
    ///   - phase: When it runs (see ``ShutdownPhase``): ``ShutdownPhase/beforeStop`` while the
    ///     reactor still runs, on a thread of its own; ``ShutdownPhase/sessions`` and
    ///     ``ShutdownPhase/cleanup`` (the default) on the reactor thread after waiters were woken
    ///     with ``ReactorError/stopped``. Hooks of one phase run in the order they were added.
    ///   - timeout: The hook's own bound, inside ``stop(timeout:)``'s. A hook that overruns it is
    ///     logged as a warning; a ``ShutdownPhase/beforeStop`` hook is then left running and the
    ///     stop goes on, a hook on the reactor thread cannot be interrupted (the stop's own bound
    ///     still holds for the thread that called it).
    ///   - body: The work. A hook added once the stop has begun never runs.
    public func addShutdownHook(
        name: String, phase: ShutdownPhase = .cleanup, timeout: Duration = .seconds(1), _ body: @escaping @Sendable () -> Void
    ) {
        shutdownHooks.add(ShutdownHook(name: name, phase: phase, timeout: timeout, body: body))
    }

    /// Runs `body` once a ``stop(timeout:)`` has ended (whoever called it: the host, a signal,
    /// the process's exit), on the thread that stopped the reactor, or at once if it has stopped
    /// already: how a service that does not own the stop learns of it without blocking a thread.
    package func whenStopped(_ body: @escaping @Sendable () -> Void) {
        stopEnded.whenOpen(body)
    }

    /// Stops the reactor and returns when it has stopped, or when `timeout` has passed.
    ///
    /// In order: the ``ShutdownPhase/beforeStop`` hooks run (the reactor still serves them); new
    /// work is refused (``ReactorError/stopped``); every result still pending fails with
    /// ``ReactorError/stopped``, which wakes every blocked `wait`/`waitFor` at once (and
    /// unhandled failures left in the stash are logged); timers are cancelled (none starts once
    /// the door is closed, even one already due); on the reactor thread, the work behind the
    /// pending results is called off as cancelling would (a ``Deferred``'s canceller runs and the
    /// deferred fails with ``ReactorError/cancelled``, an `async` body's task is cancelled), then
    /// the ``ShutdownPhase/sessions`` and ``ShutdownPhase/cleanup`` hooks run; then the reactor's
    /// own thread ends (an attached host loop keeps running). Called on the reactor thread, it does
    /// the same but cannot wait for the ``ShutdownPhase/beforeStop`` hooks or for its own thread
    /// to end. Calling it again while a stop is under way waits for that one (up to `timeout`;
    /// not on the reactor thread or in a hook, which return at once); calling it after does nothing.
    public func stop(timeout: Duration = .seconds(5)) {
        guard stopBegun.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged else {
            if !eventLoop.inEventLoop, !ShutdownHooks.isHookThread { _ = stopEnded.waitBounded(timeout) }
            return
        }
        defer { stopEnded.open() }
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        let onLoop = eventLoop.inEventLoop
        let hooks = shutdownHooks.takeAll()
        shutdownHooks.runBeforeStop(hooks.beforeStop, until: deadline, wait: !onLoop)
        _ = gate.close()
        watchdog?.stop()
        // Waiters are woken at once; the work behind each pending result is called off on the
        // reactor thread below (a Deferred's canceller runs and its promise is settled, an async
        // body's task is cancelled), so no promise is left unfulfilled on the loop.
        let cancellers = results.close().compactMap { $0.interrupt(with: .stopped) }
        timerRegistry.cancelAll()
        let runOnLoop: @Sendable () -> Void = { [shutdownHooks] in
            for canceller in cancellers { canceller() }
            for hook in hooks.onLoop { shutdownHooks.runOnLoop(hook) }
        }
        if onLoop {
            runOnLoop()
        } else if !shutdownHooks.watch(eventLoop.submit(runOnLoop), until: deadline) {
            logger.warning(
                "shutdown hooks did not finish in time",
                metadata: ["timeout": "\(timeout)", "running": "\(shutdownHooks.runningName ?? "-")"])
        }
        guard let group = ownedGroup else { return }
        gate.loopWillEnd()
        let ended = DispatchSemaphore(value: 0)
        group.shutdownGracefully(queue: .global()) { _ in ended.signal() }
        if !onLoop, !ended.waitBounded(until: deadline) {
            logger.warning("reactor thread did not end in time", metadata: ["timeout": "\(timeout)"])
        }
    }
}
