import Inspector
import ManholeWire
import Reactor

/// The payloads of notices (frames of kind `NOTICE`, see docs/protocol.md): what a watch tells
/// its session, as text or as one JSON object with `watch`, `subject` and `kind` first.
enum NoticeView {
    /// A watched result has finished: the first line says so, then what `result ID` shows
    /// (peeked, so watching is not handling a failure).
    static func result(
        _ watch: SessionWatches.Watch, id: Int, state: ResultState, reactor: Reactor, options: RenderOptions
    ) -> String {
        let header = header(watch)
        guard let detail = try? ResultsView.detail(id: id, of: reactor, options: options) else {
            // Retrieved and released meanwhile: the final state is all there is to say.
            let fields = header + [Table.Field("id", key: "id", .number(id)), Table.Field("state", key: "state", .text(state.rawValue))]
            return watch.format == .json
                ? Reply.encode(Table(fields: fields))
                : "watch \(watch.id): result \(id) finished (\(state.rawValue); no longer tracked)\n"
        }
        guard watch.format == .json else { return "watch \(watch.id): result \(id) finished\n" + detail.plainText }
        var combined = detail
        if case .record(let fields) = detail.fields.content { combined.fields = Table(fields: header + fields) }
        return Reply.encode(combined)
    }

    /// A watched timer ran (or failed, or ended without a run).
    static func timer(_ watch: SessionWatches.Watch, name: String, event: TimerEvent) -> String {
        let subject = "watch \(watch.id): timer \(event.timerID) \"\(name)\""
        let ended = event.ended ? " (watch ended)" : ""
        if watch.format == .json {
            let fields = header(watch) + [
                Table.Field("id", key: "id", .number(event.timerID)),
                Table.Field("name", key: "name", .text(name)),
                Table.Field("event", key: "event", .text(event.duration == nil ? "ended" : event.error == nil ? "ran" : "failed")),
                Table.Field("runs", key: "runs", .number(event.runCount)),
                Table.Field("took", key: "tookSeconds", event.duration.map(Cell.duration) ?? .missing),
                Table.Field("error", key: "lastError", .text(event.error)),
                Table.Field("ended", key: "watchEnded", .flag(event.ended)),
            ]
            return Reply.encode(Table(fields: fields))
        }
        guard let duration = event.duration else { return "\(subject) ended\(ended)\n" }
        if let error = event.error { return "\(subject) failed (run \(event.runCount)): \(error)\(ended)\n" }
        return "\(subject) ran (run \(event.runCount), took \(DurationFormat.string(duration)))\(ended)\n"
    }

    /// A followed log line: the line as `log` shows it, or its JSON object (`seq`, `time`, …).
    static func logLine(_ entry: LogRingEntry, format: Frame.Format) -> String {
        let row = LogView.Row(entry)
        return format == .json ? Reply.encode(row) : row.text + "\n"
    }

    /// A follower fell more than the ring's capacity behind: `count` lines were overwritten
    /// before it pulled them.
    static func logLinesDropped(_ watch: SessionWatches.Watch, count: Int, capacity: Int) -> String {
        watch.format == .json
            ? Reply.encode(LogLinesDropped(watch: watch.id, logLinesDropped: count))
            : "log lines dropped: \(count) (watch \(watch.id) fell more than the \(capacity) lines the host keeps behind)\n"
    }

    private struct LogLinesDropped: Encodable {
        var watch: Int
        var logLinesDropped: Int
    }

    /// Notices of watch `watch` (of watches that have ended, when `nil`) were lost because the
    /// client read too slowly.
    static func dropped(_ count: Int, watch: Int?, format: Frame.Format) -> String {
        if format == .json { return Reply.encode(NoticesDropped(watch: watch, dropped: count)) }
        return "notices dropped: \(count) (" + (watch.map { "watch \($0), " } ?? "") + "the client read too slowly)\n"
    }

    private struct NoticesDropped: Encodable {
        var watch: Int?
        var dropped: Int
    }

    private static func header(_ watch: SessionWatches.Watch) -> [Table.Field] {
        let kind = switch watch.subject {
        case .result: "result"
        case .timer: "timer"
        case .log: "log"
        }
        return [
            Table.Field("watch", key: "watch", .number(watch.id)),
            Table.Field("subject", key: "subject", .text(watch.subject.description)),
            Table.Field("kind", key: "kind", .text(kind)),
        ]
    }
}
