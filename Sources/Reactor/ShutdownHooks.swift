import Dispatch
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// One piece of work to run when the reactor stops.
struct ShutdownHook: Sendable {
    var name: String
    var phase: ShutdownPhase
    var timeout: Duration
    var body: @Sendable () -> Void
}

/// The hooks added to a reactor, and how each phase runs them: the ``ShutdownPhase/beforeStop``
/// ones each on a thread of its own (they may block on the reactor), the others one after another
/// on the reactor thread. Every hook has its own bound; one that overruns it is logged once, while
/// it is still running when the stopping thread is watching, else when it ends.
final class ShutdownHooks: Sendable {
    private let hooks = NIOLockedValueBox<[ShutdownHook]>([])
    /// The hook running on the reactor thread now, for the stopping thread to watch.
    private let running = NIOLockedValueBox<Running?>(nil)
    private let logger: Logger

    private struct Running: Sendable {
        var hook: ShutdownHook
        var startedAt: NIODeadline
        var overrunLogged = false
        var overrunAt: NIODeadline { startedAt + TimeAmount(hook.timeout) }
    }

    init(logger: Logger) {
        self.logger = logger
    }

    func add(_ hook: ShutdownHook) {
        hooks.withLockedValue { $0.append(hook) }
    }

    /// Takes every hook out, ordered by phase (stable within a phase): hooks run once, and a hook
    /// that captures the reactor would otherwise keep it, its loop and its results alive forever
    /// (a cycle LeakSanitizer found).
    func takeAll() -> (beforeStop: [ShutdownHook], onLoop: [ShutdownHook]) {
        let all = hooks.withLockedValue { list in
            defer { list = [] }
            return list
        }
        let ordered = all.enumerated().sorted { ($0.element.phase.rank, $0.offset) < ($1.element.phase.rank, $1.offset) }
            .map(\.element)
        return (ordered.filter { $0.phase == .beforeStop }, ordered.filter { $0.phase != .beforeStop })
    }

    /// Runs `hooks` one after another, each on a new thread, waiting for each until its bound or
    /// `deadline`, whichever comes first (not at all when `wait` is false: a stop on the reactor
    /// thread cannot wait for hooks that may be waiting on it).
    func runBeforeStop(_ hooks: [ShutdownHook], until deadline: NIODeadline, wait: Bool) {
        for hook in hooks {
            let done = DispatchSemaphore(value: 0)
            let startedAt = NIODeadline.now()
            logger.debug("running shutdown hook", metadata: ["hook": "\(hook.name)", "phase": "\(hook.phase.name)"])
            Thread.detachNewThread {
                Thread.current.threadDictionary[Self.hookThreadKey] = true
                hook.body()
                done.signal()
            }
            guard wait else { continue }
            if !done.waitBounded(until: min(startedAt + TimeAmount(hook.timeout), deadline)) {
                logOverrun(hook, detail: "still running; the stop goes on without it")
            }
        }
    }

    /// Runs `hook` on the reactor thread, recording it for ``watch(_:until:)``.
    func runOnLoop(_ hook: ShutdownHook) {
        logger.debug("running shutdown hook", metadata: ["hook": "\(hook.name)", "phase": "\(hook.phase.name)"])
        let startedAt = NIODeadline.now()
        running.withLockedValue { $0 = Running(hook: hook, startedAt: startedAt) }
        hook.body()
        let took = Duration(NIODeadline.now() - startedAt)
        let unlogged = running.withLockedValue { current in
            defer { current = nil }
            return current?.overrunLogged == false
        }
        if took > hook.timeout, unlogged { logOverrun(hook, detail: "ended after \(DurationFormat.string(took))") }
    }

    /// Blocks until `done` completes or `deadline` passes, logging a hook on the reactor thread
    /// that overruns its bound as soon as it does; returns whether `done` completed.
    func watch(_ done: EventLoopFuture<Void>, until deadline: NIODeadline) -> Bool {
        let semaphore = DispatchSemaphore(value: 0)
        done.whenComplete { _ in semaphore.signal() }
        while true {
            let next = running.withLockedValue { current in
                current.flatMap { $0.overrunLogged ? nil : $0.overrunAt } ?? .now() + .milliseconds(10)
            }
            if semaphore.waitBounded(until: min(next, deadline)) { return true }
            let overrun = running.withLockedValue { current -> ShutdownHook? in
                guard let running = current, !running.overrunLogged, NIODeadline.now() >= running.overrunAt else { return nil }
                current?.overrunLogged = true
                return running.hook
            }
            if let overrun { logOverrun(overrun, detail: "still running") }
            if NIODeadline.now() >= deadline { return false }
        }
    }

    /// Marks the threads ``ShutdownPhase/beforeStop`` hooks run on.
    private static let hookThreadKey = "Reactor.beforeStopHook"

    /// Whether the caller is a ``ShutdownPhase/beforeStop`` hook's thread (a stop it calls must
    /// not wait for the stop that is waiting for it).
    static var isHookThread: Bool { Thread.current.threadDictionary[hookThreadKey] != nil }

    /// The hook running on the reactor thread now, if any.
    var runningName: String? { running.withLockedValue { $0?.hook.name } }

    private func logOverrun(_ hook: ShutdownHook, detail: String) {
        logger.warning(
            "shutdown hook overran its time bound",
            metadata: [
                "hook": "\(hook.name)", "phase": "\(hook.phase.name)", "bound": "\(DurationFormat.string(hook.timeout))",
                "detail": "\(detail)",
            ])
    }
}
