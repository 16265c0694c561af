public import Logging
import Foundation
import NIOConcurrencyHelpers

/// The host's recent log lines, kept for the shell's `log` command: a bounded ring the host
/// fills through a swift-log handler it adds beside its own.
///
/// ```swift
/// let ring = LogRing()
/// let logger = Logger(label: "my-service") { label in
///     MultiplexLogHandler([StreamLogHandler.standardError(label: label), ring.handler(label: label)])
/// }
/// var configuration = Manhole.Configuration(logger: logger)
/// configuration.logRing = ring
/// ```
///
/// Bounded in lines and in bytes: it keeps the newest `capacity` lines (older ones are
/// overwritten), each line's message and metadata cut to 2 KiB with a visible marker. Writing
/// takes one lock and copies (the message is cut, the metadata merged); the text and JSON are
/// made when the command reads, on the shell's thread. Every line gets the next sequence
/// number (1, 2, …), so a reader can tell what it has seen and what the ring has overwritten.
/// Safe from any thread.
public final class LogRing: Sendable {
    /// How many lines the ring keeps: the `capacity` it was made with, clamped to 1…100,000.
    package let capacity: Int
    private let storage: NIOLockedValueBox<Storage>

    /// The largest capacity: at 2 KiB of message and 2 KiB of metadata a line, 100,000 lines
    /// bound the ring at about 400 MiB even when every line is at its cap.
    package static let maximumCapacity = 100_000

    /// A ring keeping the newest `capacity` log lines (1,000 by default). A capacity outside
    /// 1…100,000 is clamped into it rather than trapping: a diagnostic aid must not stop the
    /// host. `log --lines` names the bound in effect.
    public init(capacity: Int = 1_000) {
        self.capacity = min(max(capacity, 1), Self.maximumCapacity)
        self.storage = NIOLockedValueBox(Storage())
    }

    /// A swift-log handler writing into this ring, labelled `label`, for the host to add beside
    /// its own handler with `MultiplexLogHandler`. Its level is `.info` until the host sets
    /// another; its metadata and metadata provider work like any handler's.
    public func handler(label: String) -> any LogHandler {
        LogRingHandler(ring: self, label: label)
    }

    /// Stores one line: gives it the next sequence number and the wall-clock time, overwriting
    /// the oldest line when the ring is full. The caller has already cut it to size.
    ///
    /// While someone follows (``follow(wake:)``), the first line after the follower's last pull
    /// also hands back the follower's wake-up, called after the lock is released: the writer pays
    /// one check of a flag it already holds the lock for, and one wake-up per batch, never any
    /// formatting (the follower pulls and formats on its own thread).
    package func append(_ line: LogRingEntry.Line) {
        let wake = storage.withLockedValue { storage -> (@Sendable () -> Void)? in
            storage.lastSequence += 1
            let entry = LogRingEntry(sequence: storage.lastSequence, time: Date(), line: line)
            if storage.entries.count < capacity {
                storage.entries.append(entry)
            } else {
                storage.entries[storage.oldest] = entry
                storage.oldest = (storage.oldest + 1) % capacity
            }
            // Coalesced: once woken, the writer stays quiet until the follower has pulled.
            guard let wake = storage.wake, !storage.wakePending else { return nil }
            storage.wakePending = true
            return wake
        }
        wake?()
    }

    /// The sequence number of the last line written (0 before the first).
    package var lastSequence: Int { storage.withLockedValue { $0.lastSequence } }

    /// Starts waking a follower: `wake` is called (on the writer's thread, so it must only hand
    /// off) once after the next line, then again after each ``entries(after:limit:)``.
    package func follow(wake: @escaping @Sendable () -> Void) {
        storage.withLockedValue { storage in
            storage.wake = wake
            storage.wakePending = false
        }
    }

    /// Stops waking the follower (no one follows any more): writers go back to writing only.
    package func unfollow() {
        storage.withLockedValue { storage in
            storage.wake = nil
            storage.wakePending = false
        }
    }

    /// Up to `limit` lines newer than sequence `after`, oldest first, and how many lines after
    /// `after` the ring had already overwritten (the follower fell more than ``capacity``
    /// behind). Re-arms the follower's wake-up in the same lock, so a line written after this
    /// pull wakes it again. Copies at most `limit` entries; formats nothing.
    package func entries(after: Int, limit: Int) -> (entries: [LogRingEntry], overwritten: Int, lastSequence: Int) {
        storage.withLockedValue { storage in
            storage.wakePending = false
            let count = storage.entries.count
            let oldestSequence = storage.lastSequence - count + 1
            let first = max(after + 1, oldestSequence)
            let overwritten = max(0, first - (after + 1))
            let end = min(storage.lastSequence, first + max(limit, 0) - 1)
            var found: [LogRingEntry] = []
            if end >= first {
                found.reserveCapacity(end - first + 1)
                for sequence in first...end {
                    found.append(storage.entries[(storage.oldest + sequence - oldestSequence) % count])
                }
            }
            return (found, overwritten, storage.lastSequence)
        }
    }

    /// The newest `limit` lines at `minimumLevel` or above, oldest first, and the sequence number
    /// of the last line ever written (0 before the first). Visits at most ``capacity`` lines
    /// under the lock and copies the matching ones; nothing is formatted there.
    package func recent(limit: Int, minimumLevel: Logger.Level = .trace) -> (entries: [LogRingEntry], lastSequence: Int) {
        storage.withLockedValue { storage in
            let count = storage.entries.count
            var found: [LogRingEntry] = []
            found.reserveCapacity(min(max(limit, 0), count))
            var visited = 0
            while visited < count && found.count < limit {
                // The newest entry sits just before the oldest (or last, while the ring fills).
                let index = (storage.oldest + count - 1 - visited) % count
                let entry = storage.entries[index]
                if entry.line.level >= minimumLevel { found.append(entry) }
                visited += 1
            }
            return (found.reversed(), storage.lastSequence)
        }
    }

    private struct Storage: Sendable {
        var entries: [LogRingEntry] = []
        /// Where the oldest entry is once the ring is full (and the next one written goes).
        var oldest = 0
        var lastSequence = 0
        /// The follower's wake-up, while someone follows.
        var wake: (@Sendable () -> Void)?
        /// Whether the follower was woken and has not pulled since.
        var wakePending = false
    }
}
