import Foundation
import Logging
import ManholeWire

/// `log`: the host's recent log lines, as a ``LogRing`` kept them.
///
/// Text: one line per entry, oldest first, `TIME LEVEL LABEL: MESSAGE key=value …`, the time in
/// UTC to the millisecond, the level padded so messages line up; everything from the host on
/// one line with its controls escaped (a newline in a message shows as `\n`). JSON: a listing
/// like every other (``Table``): `{"columns": […], "rows": [{seq, time, level, label, message,
/// metadata, file, line}…], "note": …}`, metadata as an object of strings (`"…"` counting the
/// keys cut off, if any).
enum LogView {
    /// The reply showing `entries` (already filtered, oldest first); `level` names the filter in
    /// the note of an empty reply.
    static func reply(_ entries: [LogRingEntry], level: Logger.Level, capacity: Int) -> Reply {
        let note: String? =
            entries.isEmpty ? "no log lines at \(level.rawValue) or above among the last \(capacity) the host logged" : nil
        let rows = entries.map(Row.init)
        var text = rows.map(\.text).joined(separator: "\n")
        if !text.isEmpty { text += "\n" }
        if let note { text += note + "\n" }
        return Reply(text: text, encoding: Listing(rows: rows, note: note))
    }

    /// `2026-12-01T18:46:37.123Z`.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// One entry formatted: what both the text and the JSON show.
    struct Row: Sendable, Encodable {
        let seq: Int
        let time: String
        let level: String
        let label: String
        let message: String
        let metadata: RenderedMetadata
        let file: String
        let line: Int

        init(_ entry: LogRingEntry) {
            seq = entry.sequence
            time = LogView.timestamp(entry.time)
            level = entry.line.level.rawValue
            label = entry.line.label
            message = entry.line.message
            metadata = entry.renderedMetadata
            file = entry.line.file
            line = Int(entry.line.line)
        }

        /// `TIME LEVEL LABEL: MESSAGE key=value …` on one line, controls escaped.
        var text: String {
            let padded = level.padding(toLength: 8, withPad: " ", startingAt: 0)
            var text = "\(time) \(padded) \(Quoting.oneLine(label)): \(Quoting.oneLine(message))"
            let metadataText = metadata.text
            if !metadataText.isEmpty { text += " " + Quoting.oneLine(metadataText) }
            return text
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case seq, time, level, label, message, metadata, file, line
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(seq, forKey: .seq)
            try container.encode(time, forKey: .time)
            try container.encode(level, forKey: .level)
            try container.encode(label, forKey: .label)
            try container.encode(message, forKey: .message)
            var object = Dictionary(metadata.pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            if metadata.omittedKeys > 0 { object["…"] = "\(metadata.omittedKeys) more keys" }
            try container.encode(object, forKey: .metadata)
            try container.encode(file, forKey: .file)
            try container.encode(line, forKey: .line)
        }

        static let columns = CodingKeys.allCases.map(\.rawValue)
    }

    /// The JSON form: a listing, as every listing's (``Table``).
    struct Listing: Sendable, Encodable {
        let columns = Row.columns
        let rows: [Row]
        let note: String?

        private enum CodingKeys: String, CodingKey { case columns, rows, note }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(columns, forKey: .columns)
            try container.encode(rows, forKey: .rows)
            // `null` when there is none, like a table's.
            try container.encode(note, forKey: .note)
        }
    }
}
