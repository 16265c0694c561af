import NIOCore

/// Failed logins per source, and how often a source may receive a login verdict.
///
/// Keyed by ``LoginSource``, not `ip:port`: an attacker opening many connections from one host
/// (or from every 127.x.y.z, which are all the local host) shares one record.
///
/// With `F` failures on record, a source receives at most one verdict (welcome or denial, right
/// password or wrong) per ``delay(afterFailures:)``: none with no failures, then `base`, doubling
/// per failure up to `maximum`. The penalty applies to the answer, whatever it is, so a guesser
/// that gives up early learns nothing faster. A success does not reset the count (it would let
/// a guesser interleave a known account), it only stops growing it. Nobody is locked out: the
/// right password is still judged in turn.
///
/// A source is forgotten `memory` after its last failure. The table holds at most `capacity`
/// sources, the least recently failed one out first; expired records are dropped from the old end
/// whenever a failure is recorded (no timer, amortised O(1)).
struct LoginThrottle: Sendable {
    /// What is remembered of one source.
    struct Record: Sendable {
        /// Failed logins on record.
        var failures: Int
        /// When the last one was recorded (the table is ordered by it).
        var lastFailure: NIODeadline
        /// When the source last received a verdict.
        var lastVerdict: NIODeadline
        /// Verdicts given to the source since it has a record (for tests and statistics).
        var verdicts: Int
    }

    let base: TimeAmount
    let maximum: TimeAmount
    let memory: TimeAmount
    private var records: LRUTable<LoginSource, Record>

    init(base: Duration, maximum: Duration, memory: Duration, capacity: Int = 1_024) {
        self.base = TimeAmount(base)
        self.maximum = TimeAmount(maximum)
        self.memory = TimeAmount(memory)
        records = LRUTable(capacity: capacity)
    }

    /// Records a verdict that denied `source` (a failed login) given at `now`; returns the least
    /// time before the source's next verdict.
    @discardableResult
    mutating func recordFailure(from source: LoginSource, at now: NIODeadline = .now()) -> TimeAmount {
        forgetExpired(at: now)
        var record = records.peek(source) ?? Record(failures: 0, lastFailure: now, lastVerdict: now, verdicts: 0)
        record.failures += 1
        record.lastFailure = now
        record.lastVerdict = now
        record.verdicts += 1
        records.touch(source, record)
        return delay(afterFailures: record.failures)
    }

    /// Records a failure from an address in text form (see ``LoginSource/init(address:)``).
    @discardableResult
    mutating func recordFailure(from address: String, at now: NIODeadline = .now()) -> TimeAmount {
        recordFailure(from: LoginSource(address: address), at: now)
    }

    /// Records a verdict that let `source` in, given at `now` (a source without failures has
    /// nothing to record).
    mutating func recordSuccess(of source: LoginSource, at now: NIODeadline = .now()) {
        records.modify(source) {
            $0.lastVerdict = now
            $0.verdicts += 1
        }
    }

    /// Takes `source`'s verdict turn at `now` (the verdict follows at once): a second request
    /// for a turn waits its delay from here.
    mutating func reserveVerdict(for source: LoginSource, at now: NIODeadline = .now()) {
        records.modify(source) { $0.lastVerdict = now }
    }

    /// The earliest time `source` may receive its next verdict: its last verdict plus the delay
    /// its failures earn (`now` when it has none on record, or they have expired).
    func nextVerdict(for source: LoginSource, at now: NIODeadline = .now()) -> NIODeadline {
        guard let record = records.peek(source), now - record.lastFailure < memory else { return now }
        return max(now, record.lastVerdict + delay(afterFailures: record.failures))
    }

    /// The least time between two verdicts of a source with `failures` on record: none for 0,
    /// `base` for 1, doubled per further failure, up to `maximum`.
    func delay(afterFailures failures: Int) -> TimeAmount {
        guard failures > 0 else { return .zero }
        let doublings = min(failures - 1, 30)
        let delay = base.nanoseconds.multipliedReportingOverflow(by: Int64(1) << doublings)
        return delay.overflow ? maximum : min(maximum, .nanoseconds(delay.partialValue))
    }

    /// How many failures `source` has on record.
    func failures(of source: LoginSource) -> Int { records.peek(source)?.failures ?? 0 }

    /// How many failures the source of an address in text form has on record.
    func failures(of address: String) -> Int { failures(of: LoginSource(address: address)) }

    /// What is remembered of `source`.
    func record(of source: LoginSource) -> Record? { records.peek(source) }

    /// How many sources are remembered.
    var count: Int { records.count }

    /// The most sources remembered.
    var capacity: Int { records.capacity }

    /// The sources, most recently failed first (for tests).
    var sourcesNewestFirst: [LoginSource] { records.keysNewestFirst }

    private mutating func forgetExpired(at now: NIODeadline) {
        let memory = self.memory
        records.removeOldest { now - $0.lastFailure >= memory }
    }
}
