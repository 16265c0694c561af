package import Foundation
package import Logging

/// One line in a ``LogRing``: its sequence number, when it was written, and what was logged.
package struct LogRingEntry: Sendable {
    /// What a handler hands the ring: cut to size, not yet formatted.
    package struct Line: Sendable {
        package var level: Logger.Level
        package var label: String
        /// The message, at most ``LogRingEntry/messageLimit`` bytes and a marker.
        package var message: String
        package var metadata: Metadata
        /// The file and line that logged it (`#fileID`-style when the logger got one).
        package var file: String
        package var line: UInt
    }

    /// A line's metadata: as logged (merged, formatted when read), or already formatted when it
    /// was too big to keep as logged.
    package enum Metadata: Sendable {
        case logged(Logger.Metadata)
        case rendered(RenderedMetadata)
    }

    /// Increases by one with every line the ring is given, from 1.
    package var sequence: Int
    /// The wall-clock time the ring took the line.
    package var time: Date
    package var line: Line

    /// The most bytes of a message kept; the rest is replaced by a marker.
    package static let messageLimit = 2_048
    /// The most bytes of `key=value` text kept for a line's metadata.
    package static let metadataLimit = 2_048
    /// Metadata with more keys than this is formatted when written, so that it is kept within
    /// ``metadataLimit`` rather than as logged.
    static let loggedKeyLimit = 64

    /// The metadata as sorted `key=value` pairs, cut to ``metadataLimit``.
    package var renderedMetadata: RenderedMetadata {
        switch line.metadata {
        case .logged(let metadata): RenderedMetadata(metadata, limit: Self.metadataLimit)
        case .rendered(let rendered): rendered
        }
    }

    /// `text` if it fits in `limit` UTF-8 bytes; otherwise its first `limit` bytes (whole
    /// Unicode scalars) followed by a marker giving the full size.
    package static func capped(_ text: String, limit: Int) -> String {
        let size = text.utf8.count
        guard size > limit else { return text }
        var end = text.utf8.index(text.utf8.startIndex, offsetBy: limit)
        while end.samePosition(in: text.unicodeScalars) == nil { text.utf8.formIndex(before: &end) }
        return String(text.unicodeScalars[..<end]) + "…[cut: \(size) bytes]"
    }

    /// Metadata as a line keeps it: as logged when it is small and flat (formatted later, when a
    /// command reads it), formatted now when it could hold more than the line may keep: more
    /// than ``loggedKeyLimit`` keys, keys and strings over ``metadataLimit`` bytes in all, nested
    /// values. Measuring costs a look at each key (a native string knows its UTF-8 size). A value
    /// logged as `.stringConvertible` is described when read: a reference type's description
    /// may have changed since (the price of not formatting on the writer's thread).
    static func storable(_ metadata: Logger.Metadata) -> Metadata {
        guard metadata.count <= loggedKeyLimit else { return .rendered(RenderedMetadata(metadata, limit: metadataLimit)) }
        var bytes = 0
        for (key, value) in metadata {
            bytes += key.utf8.count
            switch value {
            case .string(let string): bytes += string.utf8.count
            case .stringConvertible: break
            case .dictionary, .array: bytes = .max
            }
            if bytes > metadataLimit { return .rendered(RenderedMetadata(metadata, limit: metadataLimit)) }
        }
        return .logged(metadata)
    }
}

/// A line's metadata formatted: `key=value` pairs sorted by key, at most `limit` bytes of
/// `key=value ` text in all; a value that does not fit is cut with `…`, and the keys after it
/// are counted, not kept.
package struct RenderedMetadata: Sendable, Equatable {
    /// The kept pairs, sorted by key.
    package var pairs: [Pair]
    /// How many keys were left out after the cut.
    package var omittedKeys: Int

    /// One key and its value as text.
    package struct Pair: Sendable, Equatable {
        package var key: String
        package var value: String
    }

    init(_ metadata: Logger.Metadata, limit: Int) {
        pairs = []
        omittedKeys = 0
        var room = limit
        for key in metadata.keys.sorted() {
            guard omittedKeys == 0, room > 0 else {
                omittedKeys += 1
                continue
            }
            let value = Self.text(metadata[key]!)
            let size = key.utf8.count + 1 + value.utf8.count + 1
            if size <= room {
                pairs.append(Pair(key: key, value: value))
                room -= size
            } else if room > key.utf8.count + 2 {
                // The value takes what room is left, so the cut is visible where it happened.
                pairs.append(Pair(key: key, value: Self.cut(value, to: room - key.utf8.count - 2)))
                room = 0
            } else {
                omittedKeys += 1
                room = 0
            }
        }
    }

    /// `key=value` pairs apart by a space, then `…(N more keys)` when keys were left out. Values
    /// holding a space, a quote or `=` (or empty ones) are quoted, so pairs stay apart; the
    /// caller escapes controls.
    package var text: String {
        var parts = pairs.map { pair in "\(pair.key)=\(Self.needsQuotes(pair.value) ? Self.quoted(pair.value) : pair.value)" }
        if omittedKeys > 0 { parts.append("…(\(omittedKeys) more key\(omittedKeys == 1 ? "" : "s"))") }
        return parts.joined(separator: " ")
    }

    private static func text(_ value: Logger.MetadataValue) -> String {
        if case .string(let string) = value { return string }
        return value.description
    }

    private static func cut(_ value: String, to bytes: Int) -> String {
        var end = value.utf8.index(value.utf8.startIndex, offsetBy: min(max(bytes, 0), value.utf8.count))
        while end.samePosition(in: value.unicodeScalars) == nil { value.utf8.formIndex(before: &end) }
        return String(value.unicodeScalars[..<end]) + "…"
    }

    private static func needsQuotes(_ value: String) -> Bool {
        value.isEmpty || value.contains { $0 == " " || $0 == "\"" || $0 == "=" }
    }

    private static func quoted(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
