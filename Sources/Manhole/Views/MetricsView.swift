import Reactor

/// `metrics`: the series a ``MetricsRecorder`` keeps, one row each, sorted by label.
///
/// Columns: label, kind, dimensions (`name=value,…` sorted by name), then the figures each kind
/// has (`-` for the others): a counter's value; a gauge's, meter's or recorder's last value as
/// value, with count, min and max; a timer's count, min, max, p50 and p99, as durations (seconds
/// in JSON). Labels and dimensions are escaped like every cell (``Table``).
enum MetricsView {
    /// The most rows one reply shows; a prefix narrows the rest.
    static let rowLimit = 500

    static let columns = ["label", "kind", "dimensions", "value", "count", "min", "max", "p50", "p99"]

    /// The table of `snapshot`, whose rows are at most ``rowLimit``; `prefix` names the filter
    /// in the notes.
    static func table(_ snapshot: MetricsSnapshot, prefix: String) -> Table {
        let rows = snapshot.rows.map(cells)
        var notes: [String] = []
        if snapshot.matching == 0 {
            notes.append(prefix.isEmpty ? "no metrics recorded" : "no metrics whose label starts with '\(prefix)'")
        } else if snapshot.matching > rows.count {
            notes.append("… \(snapshot.matching - rows.count) more (give a prefix)")
        }
        if snapshot.dropped > 0 {
            let count = snapshot.droppedIsLowerBound ? "at least \(snapshot.dropped)" : "\(snapshot.dropped)"
            notes.append("\(count) series not recorded: the recorder keeps at most \(snapshot.maxSeries)")
        }
        return Table(
            columns: columns.map { Table.Column($0) }, rows: rows, note: notes.isEmpty ? nil : notes.joined(separator: "; "))
    }

    /// One row: the key, then the figures of its kind.
    static func cells(_ row: MetricsSnapshot.Row) -> [Cell] {
        let dimensions: Cell = row.key.dimensions.isEmpty ? .missing : .text(dimensions(row.key))
        let key: [Cell] = [.text(row.key.label), .text(row.key.kind.rawValue), dimensions]
        let figures: [Cell]
        switch row.reading {
        case .counter(let value):
            figures = [.number(Int(value)), .missing, .missing, .missing, .missing, .missing]
        case .floatingCounter(let value):
            figures = [.decimal(value), .missing, .missing, .missing, .missing, .missing]
        case .summary(let last, let count, let min, let max, _):
            figures = [.decimal(last), .number(count), .decimal(min), .decimal(max), .missing, .missing]
        case .timer(let count, _, let min, let max, let p50, let p99):
            figures = [.missing, .number(count), duration(min), duration(max), duration(p50), duration(p99)]
        case .empty:
            figures = [.missing, .number(0), .missing, .missing, .missing, .missing]
        }
        return key + figures
    }

    /// The dimensions as one cell, cut so that 32 long pairs cannot make one row kilobytes wide.
    static func dimensions(_ key: SeriesKey) -> String {
        SeriesKey.cut(key.dimensionsText)
    }

    private static func duration(_ nanoseconds: Int64) -> Cell { .duration(.nanoseconds(nanoseconds)) }
}
