import Logging
import ManholeWire
import NIOCore
import Reactor

/// One session's watches (`watch`, `unwatch`, `watches`) and its notices waiting to be written.
/// Confined to the sessions' loop.
///
/// Bounded: at most ``maxWatches`` watches and ``maxQueued`` notices waiting; a notice that finds
/// the queue full is dropped (counted per watch) without being formatted, and once the queue has
/// room again a notice says how many were lost, before any newer one. A slow reader therefore
/// costs the session at most ``maxQueued`` frames, and the reactor only the hop of each event.
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
        var notices = 0
        var dropped = 0
        /// The timer observer to unregister when the watch goes.
        var observation: TimerObservation?
        /// What else to undo when the watch goes (a log follow leaves the followers).
        var stop: (() -> Void)?

        /// Unregisters whatever feeds the watch.
        func end() {
            observation?.cancel()
            stop?()
        }
    }

    let sessionID: Int
    private let budget: LoopBudget
    /// Called when a notice is queued: the session writes what its socket takes.
    private let wake: () -> Void
    private(set) var watches: [Watch] = []
    private var nextID = 0
    /// The notices waiting, with the watch each is from (0: the count of lost ones).
    private var queue = CircularBuffer<(watch: Int, frame: Frame)>()
    private var droppedSinceReport = 0
    private var droppedFormat = Frame.Format.text
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

    /// Sets what undoes the watch `id`'s feed when it goes (registered once it had its id).
    func onEnd(of id: Int, _ stop: @escaping () -> Void) {
        guard let index = watches.firstIndex(where: { $0.id == id }) else { return stop() }
        watches[index].stop = stop
    }

    /// Removes every log follow (an interrupt) and returns their ids, oldest first.
    func removeFollows() -> [Int] {
        let ids = watches.filter(\.subject.isLog).map(\.id)
        for id in ids { remove(id) }
        return ids
    }

    /// Removes the watch `id`, unregisters its observer and forgets its notices not yet written
    /// (after `unwatch`'s reply, nothing more comes from it); `false` when there is none.
    @discardableResult
    func remove(_ id: Int) -> Bool {
        guard let index = watches.firstIndex(where: { $0.id == id }) else { return false }
        watches.remove(at: index).end()
        if queue.contains(where: { $0.watch == id }) { queue = CircularBuffer(queue.filter { $0.watch != id }) }
        return true
    }

    /// Removes every watch (the session ended): observers unregistered, waiting notices dropped.
    func removeAll() {
        for watch in watches { watch.end() }
        watches = []
        queue.removeAll()
    }

    /// Queues a notice of watch `id` made by `render` (charged to the shell's budget), or drops
    /// it when the queue is full; `ends` removes the watch after. A watch already removed gets
    /// nothing.
    func notify(_ id: Int, ends: Bool, render: (Watch) -> String) {
        guard let index = watches.firstIndex(where: { $0.id == id }) else { return }
        let watch = watches[index]
        if ends {
            watches.remove(at: index).end()
        }
        reportDropsIfRoom()
        guard queue.count < Self.maxQueued else {
            if !ends { watches[index].dropped += 1 }
            droppedSinceReport += 1
            droppedFormat = watch.format
            return
        }
        if !ends { watches[index].notices += 1 }
        var payload = ""
        budget.measure { payload = render(watch) }
        append(Frame(.notice, sequence: 0, format: watch.format, payload: payload), from: id)
    }

    /// Counts `count` notices of watch `id` lost before they reached the session (its hops were
    /// over ``HopLimit/limit``): reported as dropped, like those the full queue drops.
    func countLost(_ count: Int, of id: Int) {
        guard count > 0, let index = watches.firstIndex(where: { $0.id == id }) else { return }
        watches[index].dropped += count
        droppedSinceReport += count
        droppedFormat = watches[index].format
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

    private func reportDropsIfRoom() {
        guard droppedSinceReport > 0, queue.count < Self.maxQueued else { return }
        let count = droppedSinceReport
        droppedSinceReport = 0
        append(Frame(.notice, sequence: 0, format: droppedFormat, payload: NoticeView.dropped(count, format: droppedFormat)), from: 0)
    }

    private func append(_ frame: Frame, from watch: Int) {
        queue.append((watch, frame))
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
