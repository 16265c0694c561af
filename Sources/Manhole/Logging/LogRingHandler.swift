import Logging

/// The swift-log handler ``LogRing/handler(label:)`` makes: each line at its level or above goes
/// into the ring, cut to size, with the handler's metadata, its provider's and the call's merged
/// (the call's win, then the provider's, as swift-log's own handlers do). It formats nothing:
/// the ring formats when the `log` command reads.
struct LogRingHandler: LogHandler {
    let ring: LogRing
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(ring: LogRing, label: String) {
        self.ring = ring
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        ring.append(LogRingEntry.Line(
            level: event.level, label: label,
            message: LogRingEntry.capped(event.message.description, limit: LogRingEntry.messageLimit),
            metadata: LogRingEntry.storable(merged(event.metadata)), file: event.file, line: event.line))
    }

    /// The handler's metadata, then the provider's, then the call's, each overriding the one
    /// before; without a provider or call metadata, the handler's dictionary itself (no copy).
    private func merged(_ explicit: Logger.Metadata?) -> Logger.Metadata {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, provided in provided }
        }
        if let explicit, !explicit.isEmpty {
            if merged.isEmpty { return explicit }
            merged.merge(explicit) { _, explicit in explicit }
        }
        return merged
    }
}
