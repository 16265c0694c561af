#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// Whether the host is using the machine right now, for the shell's budget (``LoopBudget``): the
/// budget is work-conserving, so its share applies only while the host works; on an idle host the
/// shell runs at full speed.
///
/// The host counts as busy when its threads (every thread of the process but the sessions' own)
/// used at least ``busyShare`` of one core since the last look, not counting the reactor's
/// polling for its next call (`Reactor.pollNanoseconds`): after every call it polls for a while,
/// and a stream of `inspect` commands made an idle host look busy with it, so that the share
/// throttled those commands. A host's blocking thread that
/// computes, a reactor spinning in a body, or a SwiftNIO host serving requests is busy; a
/// service that waits for its next job is not, nor one whose reactor is blocked on a lock (the
/// incident an operator then connects for: their commands are not held back). Read on the
/// sessions' loop, about once per budget window (10 ms) while sessions work: one clock read, the
/// sessions' thread's own CPU time coming from the budget, which reads it anyway.
final class HostActivity: @unchecked Sendable {
    /// The share of one core the host's threads must use to count as busy.
    static let busyShare = 0.2

    private let processClock: () -> Int64
    private let idleClock: () -> Int64
    private var last: (wall: Int64, process: Int64, notHost: Int64)?

    /// - Parameters:
    ///   - processClock: The process's CPU time in nanoseconds (tests inject one).
    ///   - idleClock: CPU time the host's threads spent without working, in nanoseconds so far
    ///     (the reactor's polling: `Reactor.pollNanoseconds`).
    init(
        processClock: @escaping () -> Int64 = HostActivity.processCPUNanoseconds,
        idleClock: @escaping () -> Int64 = { 0 }
    ) {
        self.processClock = processClock
        self.idleClock = idleClock
    }

    /// Whether the host has been busy since the last call, the sessions' thread having used
    /// `thread` nanoseconds of CPU time so far. The first call says busy: nothing is known yet,
    /// and the share is the safe side.
    func isBusy(at now: NIODeadline, threadWork thread: Int64) -> Bool {
        let wall = Int64(now.uptimeNanoseconds)
        let process = processClock()
        let notHost = thread + idleClock()
        defer { last = (wall, process, notHost) }
        guard let last, wall > last.wall else { return true }
        let hostCPU = (process - last.process) - (notHost - last.notHost)
        return Double(hostCPU) >= Self.busyShare * Double(wall - last.wall)
    }

    /// The process's CPU time in nanoseconds, all threads.
    static func processCPUNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
