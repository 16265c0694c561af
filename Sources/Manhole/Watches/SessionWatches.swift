import Logging
import ManholeWire
import NIOCore
import Reactor

/// One session's watches (`watch`, `unwatch`, `watches`) and its notices waiting to be written.
/// Confined to the sessions' loop.
///
/// Bounded: at most ``maxWatches`` watches and ``maxQueued`` notices waiting; a notice that finds
/// the queue full is dropped (counted per watch) without being formatted, and once the queue has
/// room again a notice of that watch says how many it lost, before any newer one. A slow reader
/// therefore costs the session at most ``maxQueued`` frames, and the reactor only the hop of each
/// event.
///
/// Nothing is lost silently: every event a watch's feed had for it (a log line, a timer's run) is
/// either sent as a notice or counted in the watch's `dropped`, and every dropped one is told,
/// once: by a notice (`notices dropped: N`, `log lines dropped: N`) or, for those no notice told
/// of before the watch was removed (including its notices still waiting, which removal forgets),
/// by the removal's answer (``Removal``).
final class SessionWatches {
    /// The most watches one session holds.
    static let maxWatches = 16
    /// The most notices waiting to be written for one session.
    static let maxQueued = 64

    /// What a watch is on.
    enum Subject: CustomStringConvertible {
        case result(id: Int)
        case timer(id: Int)
        /// The host's log (`log --follow`), lines at `level` or above.
        case log(level: Logger.Level)

        /// `result 17`, `timer 3`, `log (info and above)`.
        var description: String {
            switch self {
            case .result(let id): "result \(id)"
            case .timer(let id): "timer \(id)"
            case .log(let level): "log (\(level.rawValue) and above)"
            }
        }

        /// Whether this is a follow of the log (what an interrupt stops).
        var isLog: Bool {
            if case .log = self { return true }
            return false
        }
    }

    /// One watch: what it is on, the format of its notices, what it has sent and lost.
    struct Watch {
        let id: Int
        let subject: Subject
        let format: Frame.Format
        /// Notices sent: written, or waiting to be.
        var notices = 0
        /// Events lost: never made into a notice, or a notice forgotten.
        var dropped = 0
        /// Of `dropped`, those no notice has told of yet.
        var unreported = 0
        /// The timer observer to unregister when the watch goes.
        var observation: TimerObservation?
        /// What else to undo when the watch goes (a log follow leaves the followers); returns how
        /// many events the feed had for the watch and had not handed over.
        var stop: (() -> Int)?

        /// Unregisters whatever feeds the watch; returns the events it had not handed over.
        func end() -> Int {
            observation?.cancel()
            return stop?() ?? 0
        }
    }

    /// A removed watch's account, for `unwatch`'s and an interrupt's answers: `dropped` is every
    /// event it lost, `unreported` those no notice told of (the answer does).
    struct Removal: Encodable {
        let watch: Int
        let notices: Int
        let dropped: Int
        let unreported: Int

        /// `watch 3 (120 notices sent, 9,880 lost, 40 of them not told before)`.
        var text: String {
            var text = "watch \(watch) (\(notices) notice\(notices == 1 ? "" : "s") sent"
            if dropped > 0 { text += ", \(dropped) lost" + (unreported > 0 ? ", \(unreported) of them not told before" : "") }
            return text + ")"
        }
    }

    let sessionID: Int
    private let budget: LoopBudget
    /// Called when a notice is queued: the session writes what its socket takes.
    private let wake: () -> Void
    private(set) var watches: [Watch] = []
    private var nextID = 0
    /// A notice waiting: the watch it is from (0: the count of an ended watch's lost notice), and
    /// how many lost events it tells of (0 for an event's own notice).
    private typealias Waiting = (watch: Int, frame: Frame, tells: Int)
    private var queue = CircularBuffer<Waiting>()
    /// The sum of the watches' `unreported`, and of `orphansLost` (checked on every notice).
    private var unreportedTotal = 0
    /// The last notices of watches that ended with them (a result's, a timer's), lost to a full
    /// queue; the watch they came from, while they all came from one.
    private var orphansLost = 0
    private var orphansFormat = Frame.Format.text
    private var orphansWatch: Int?
    /// The most notices that have waited at once (tests check the bound).
    private(set) var highWater = 0
    /// Whether ``drain(while:_:)`` runs (a notice queued meanwhile is written by it).
    private var draining = false

    init(sessionID: Int, budget: LoopBudget, wake: @escaping () -> Void) {
        self.sessionID = sessionID
        self.budget = budget
        self.wake = wake
    }

    /// Whether another watch may be added.
    var isFull: Bool { watches.count >= Self.maxWatches }

    /// Adds a watch and returns its id.
    func add(_ subject: Subject, format: Frame.Format) -> Int {
        nextID += 1
        watches.append(Watch(id: nextID, subject: subject, format: format))
        return nextID
    }

    /// Sets the observer of the timer watch `id` (registered once the watch had its id).
    func attach(_ observation: TimerObservation, to id: Int) {
        guard let index = watches.firstIndex(where: { $0.id == id }) else { return observation.cancel() }
        watches[index].observation = observation
    }

    /// Sets what undoes the watch `id`'s feed when it goes (registered once it had its id); it
    /// returns how many events the feed had not handed over.
    func onEnd(of id: Int, _ stop: @escaping () -> Int) {
        guard let index = watches.firstIndex(where: { $0.id == id }) else { return _ = stop() }
        watches[index].stop = stop
    }

    /// Removes every log follow (an interrupt); returns their accounts, oldest first.
    func removeFollows() -> [Removal] {
        watches.filter(\.subject.isLog).map(\.id).compactMap { remove($0) }
    }

    /// Removes the watch `id`, unregisters its observer and forgets its notices not yet written
    /// (after `unwatch`'s reply, nothing more comes from it), counting them as lost; returns its
    /// account, or `nil` when there is none.
    @discardableResult
    func remove(_ id: Int) -> Removal? {
        guard let index = watches.firstIndex(where: { $0.id == id }) else { return nil }
        var watch = watches.remove(at: index)
        unreportedTotal -= watch.unreported
        let unfed = watch.end()
        watch.dropped += unfed
        watch.unreported += unfed
        if queue.contains(where: { $0.watch == id }) {
            for waiting in queue where waiting.watch == id {
                watch.notices -= 1
                // A count of lost events is told by the answer instead; an event's own notice is lost.
                watch.unreported += max(waiting.tells, 1)
                if waiting.tells == 0 { watch.dropped += 1 }
            }
            queue = CircularBuffer(queue.filter { $0.watch != id })
        }
        return Removal(watch: id, notices: watch.notices, dropped: watch.dropped, unreported: watch.unreported)
    }

    /// Removes every watch (the session ended): observers unregistered, waiting notices dropped.
    func removeAll() {
        for watch in watches { _ = watch.end() }
        watches = []
        queue.removeAll()
        unreportedTotal = 0
        orphansLost = 0
    }

    /// Queues a notice of watch `id` made by `render` (charged to the shell's budget), or drops
    /// it when the queue is full; `ends` removes the watch after. A watch already removed gets
    /// nothing.
    func notify(_ id: Int, ends: Bool, render: (Watch) -> String) {
        guard let index = watches.firstIndex(where: { $0.id == id }) else { return }
        let watch = watches[index]
        if ends {
            _ = watches.remove(at: index).end()
        }
        reportDropsIfRoom()
        guard queue.count < Self.maxQueued else {
            if ends {
                orphansWatch = orphansLost == 0 || orphansWatch == id ? id : nil
                orphansLost += 1
                orphansFormat = watch.format
                unreportedTotal += 1
            } else {
                countLost(1, of: id)
            }
            return
        }
        if !ends { watches[index].notices += 1 }
        var payload = ""
        budget.measure { payload = render(watch) }
        append(Frame(.notice, sequence: 0, format: watch.format, payload: payload), from: id)
    }

    /// Tells watch `id` that its feed lost `count` events before they reached the session (a log
    /// follower fell behind the ring), with the notice `render` makes, or counts them to be told
    /// with the next report when the queue is full.
    func notifyLost(_ count: Int, of id: Int, render: (Watch) -> String) {
        guard count > 0, let index = watches.firstIndex(where: { $0.id == id }) else { return }
        reportDropsIfRoom()
        guard queue.count < Self.maxQueued else { return countLost(count, of: id) }
        watches[index].dropped += count
        watches[index].notices += 1
        var payload = ""
        budget.measure { payload = render(watches[index]) }
        append(Frame(.notice, sequence: 0, format: watches[index].format, payload: payload), from: id, tells: count)
    }

    /// Counts `count` notices of watch `id` lost before they reached the session (its hops were
    /// over ``HopLimit/limit``, or the queue was full): reported as dropped once there is room.
    func countLost(_ count: Int, of id: Int) {
        guard count > 0, let index = watches.firstIndex(where: { $0.id == id }) else { return }
        watches[index].dropped += count
        watches[index].unreported += count
        unreportedTotal += count
    }

    /// Hands the waiting notices, oldest first, to `write` while `canWrite` holds (the socket
    /// takes more); room made in the queue goes first to the count of lost notices.
    func drain(while canWrite: () -> Bool, _ write: (Frame) -> Void) {
        guard !draining else { return }
        draining = true
        defer { draining = false }
        while canWrite(), let next = queue.popFirst() {
            write(next.frame)
            reportDropsIfRoom()
        }
    }

    /// Queues, while there is room, a notice for each watch (and for the ended ones together)
    /// saying how many it lost since the last.
    private func reportDropsIfRoom() {
        guard unreportedTotal > 0, queue.count < Self.maxQueued else { return }
        for index in watches.indices where watches[index].unreported > 0 {
            guard queue.count < Self.maxQueued else { return }
            let watch = watches[index]
            unreportedTotal -= watch.unreported
            watches[index].unreported = 0
            watches[index].notices += 1
            let payload = NoticeView.dropped(watch.unreported, watch: watch.id, format: watch.format)
            append(Frame(.notice, sequence: 0, format: watch.format, payload: payload), from: watch.id, tells: watch.unreported)
        }
        if orphansLost > 0, queue.count < Self.maxQueued {
            let payload = NoticeView.dropped(orphansLost, watch: orphansWatch, format: orphansFormat)
            unreportedTotal -= orphansLost
            orphansLost = 0
            append(Frame(.notice, sequence: 0, format: orphansFormat, payload: payload), from: 0)
        }
    }

    private func append(_ frame: Frame, from watch: Int, tells: Int = 0) {
        queue.append((watch, frame, tells))
        highWater = max(highWater, queue.count)
        wake()
    }

    /// The `watches` table: WATCH, SUBJECT, NOTICES, DROPPED, FORMAT.
    var table: Table {
        let rows = watches.map { watch -> [Cell] in
            [.number(watch.id), .text(watch.subject.description), .number(watch.notices), .number(watch.dropped),
             .text(watch.format.rawValue)]
        }
        let columns = ["watch", "subject", "notices", "dropped", "format"].map { Table.Column($0) }
        return Table(columns: columns, rows: rows, note: watches.isEmpty ? "no watches" : nil)
    }
}
