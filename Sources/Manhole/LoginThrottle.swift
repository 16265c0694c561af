import NIOCore

/// Failed logins per peer address, and the growing delay before a failure is answered.
///
/// Keyed by the peer's IP address, not `ip:port`: an attacker opening many connections from one
/// host shares one record and one growing delay (per-connection keys would restart at `base`
/// with every new connection).
///
/// The first failure from an address waits `base`, each further one twice as long, up to
/// `maximum`; an address is forgotten `memory` after its last failure. A success does not
/// reset the count (it would let a guesser interleave a known account), it only stops growing
/// it. Nobody is locked out: the right password still logs in, after at most `maximum`.
struct LoginThrottle: Sendable {
    private struct Record: Sendable {
        var failures: Int
        var last: NIODeadline
    }

    let base: TimeAmount
    let maximum: TimeAmount
    let memory: TimeAmount
    private var records: [String: Record] = [:]

    init(base: Duration, maximum: Duration, memory: Duration) {
        self.base = TimeAmount(base)
        self.maximum = TimeAmount(maximum)
        self.memory = TimeAmount(memory)
    }

    /// Records a failure from `peer` and returns how long to wait before answering it.
    mutating func recordFailure(from peer: String, at now: NIODeadline = .now()) -> TimeAmount {
        forgetExpired(at: now)
        var record = records[peer] ?? Record(failures: 0, last: now)
        record.failures += 1
        record.last = now
        records[peer] = record
        return delay(afterFailures: record.failures)
    }

    /// The delay that answers a peer's `failures`-th failure: `base` doubled per earlier failure, up to `maximum`.
    func delay(afterFailures failures: Int) -> TimeAmount {
        let doublings = min(max(failures - 1, 0), 30)
        let delay = base.nanoseconds.multipliedReportingOverflow(by: Int64(1) << doublings)
        return delay.overflow ? maximum : min(maximum, .nanoseconds(delay.partialValue))
    }

    /// How many failures `peer` has on record.
    func failures(of peer: String) -> Int { records[peer]?.failures ?? 0 }

    /// How many peers are remembered.
    var count: Int { records.count }

    private mutating func forgetExpired(at now: NIODeadline) {
        // Bounded memory: drop records past their memory (amortised over failures).
        guard records.count > 64 || Int.random(in: 0..<16) == 0 else { return }
        records = records.filter { now - $0.value.last < memory }
    }
}
