import Logging
import NIOCore

/// The sessions following the host's log (`log --follow`), and the pulls that feed them.
///
/// The ring's writers never format or queue anything for a follower: while anyone follows, the
/// first line after a pull wakes this (one `execute` on the sessions' loop per batch, see
/// ``LogRing/append(_:)``); the pull then copies, for each follower, the lines newer than the
/// last it saw (at most ``batch``), filters them by level and hands them to the session's
/// bounded notice queue, which formats within the shell's budget or drops and counts. A
/// follower with more lines to come has the pull rescheduled on the loop, so one flood never
/// holds the loop for more than a batch per follower at a time.
///
/// Confined to the sessions' loop (checked): `@unchecked Sendable` only so that the ring's
/// wake-up can carry it there.
final class LogFollowers: @unchecked Sendable {
    /// The most lines one follower is handed per pull.
    static let batch = 256
    /// How long a wake-up waits before it pulls: lines written meanwhile go in the same pull.
    static let gathering = TimeAmount.milliseconds(5)

    private struct Follower {
        let sessionID: Int
        let watchID: Int
        let level: Logger.Level
        /// The sequence number of the last line this follower was handed (or skipped).
        var last: Int
    }

    private var followers: [Follower] = []
    /// Whether a pull is queued on the loop (a reschedule; the ring's wake-ups coalesce on their own).
    private var rescheduled = false

    /// Starts feeding the watch `watchID` of session `sessionID` with the lines `ring` gets from
    /// now on, at `level` or above.
    func add(sessionID: Int, watchID: Int, level: Logger.Level, ring: LogRing, board: WatchBoard, loop: any EventLoop) {
        loop.preconditionInEventLoop()
        followers.append(Follower(sessionID: sessionID, watchID: watchID, level: level, last: ring.lastSequence))
        guard followers.count == 1 else { return }
        // The pull runs a moment after the wake-up, so that a flood is pulled in batches (at
        // 10,000 lines a second, ~50 a pull) rather than a wake-up and a pull per line.
        ring.follow { [self] in
            loop.scheduleTask(in: Self.gathering) { self.pull(ring: ring, board: board, loop: loop) }
        }
    }

    /// Stops feeding the watch (it was removed); the ring stops waking anyone once no one follows.
    /// Returns how many lines at the follower's level it had not been handed yet (the ring
    /// overwrote them, or no pull had reached them): lost with the watch, and counted.
    func remove(sessionID: Int, watchID: Int, ring: LogRing, loop: any EventLoop) -> Int {
        loop.preconditionInEventLoop()
        guard let index = followers.firstIndex(where: { $0.sessionID == sessionID && $0.watchID == watchID }) else { return 0 }
        let follower = followers.remove(at: index)
        if followers.isEmpty { ring.unfollow() }
        let (entries, overwritten, _) = ring.entries(after: follower.last, limit: ring.capacity)
        return overwritten + entries.count { $0.line.level >= follower.level }
    }

    /// How many watches follow the log (tests check that ending a follow stops the feed).
    func count(on loop: any EventLoop) -> Int {
        loop.preconditionInEventLoop()
        return followers.count
    }

    /// The sequence number of the last line each follower was handed, in the order they began
    /// (tests wait for a flood to be pulled).
    func lastSequences(on loop: any EventLoop) -> [Int] {
        loop.preconditionInEventLoop()
        return followers.map(\.last)
    }

    /// Hands each follower the lines it has not seen, a batch at most, and reschedules itself
    /// while any follower has more.
    private func pull(ring: LogRing, board: WatchBoard, loop: any EventLoop) {
        var more = false
        for index in followers.indices {
            let follower = followers[index]
            let (entries, overwritten, lastSequence) = ring.entries(after: follower.last, limit: Self.batch)
            followers[index].last = entries.last?.sequence ?? max(follower.last, lastSequence)
            if followers[index].last < lastSequence { more = true }
            guard let session = board.session(follower.sessionID, on: loop) else { continue }
            session.notifyLost(overwritten, of: follower.watchID) { watch in
                NoticeView.logLinesDropped(watch, count: overwritten, capacity: ring.capacity)
            }
            for entry in entries where entry.line.level >= follower.level {
                session.notify(follower.watchID, ends: false) { NoticeView.logLine(entry, format: $0.format) }
            }
        }
        guard more, !rescheduled else { return }
        rescheduled = true
        loop.execute { [self] in
            rescheduled = false
            pull(ring: ring, board: board, loop: loop)
        }
    }
}
