public import Logging
import NIOConcurrencyHelpers

/// A log handler that keeps every event, for assertions on what was logged.
public final class LogCapture: LogHandler, @unchecked Sendable {
    /// One logged event, its metadata (the handler's merged with the event's) as text.
    public struct Entry: Sendable {
        /// The level.
        public var level: Logger.Level
        /// The message.
        public var message: String
        /// The metadata, values rendered.
        public var metadata: [String: String]

        /// `level message key=value…`, keys sorted: one line to match against.
        public var line: String {
            let fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return "\(level) \(message) \(fields)"
        }
    }

    private let entries = NIOLockedValueBox<[Entry]>([])
    /// The handler's own metadata (merged into every entry).
    public var metadata: Logger.Metadata = [:]
    /// Everything is kept.
    public var logLevel: Logger.Level = .trace

    /// Creates an empty capture.
    public init() {}

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }.mapValues { "\($0)" }
        entries.withLockedValue { $0.append(Entry(level: event.level, message: "\(event.message)", metadata: merged)) }
    }

    /// Every event so far, in order.
    public var logged: [Entry] { entries.withLockedValue { $0 } }

    /// Every event so far as a line (see ``Entry/line``).
    public var lines: [String] { logged.map(\.line) }

    /// A logger whose events go here.
    public func logger(label: String = "test.capture") -> Logger { Logger(label: label) { _ in self } }
}
