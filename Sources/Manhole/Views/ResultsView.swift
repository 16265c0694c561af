import ManholeWire
import Inspector
import NIOCore
import Reactor

/// `results` and `result ID`: the reactor's tracked results, as a table and one at a time.
enum ResultsView {
    /// The stashed results as a table: id, value type, state, age, waiters and call site, by id;
    /// with `includeInFlight`, also the results still in flight (and a STASHED column).
    ///
    /// A snapshot taken under the reactor's registry lock; safe from any thread, the reactor
    /// thread included, and costs the rows shown, not the registry.
    /// - Parameters:
    ///   - includeInFlight: Whether to list in-flight results too.
    ///   - limit: The most rows; a note says how many were left out.
    ///   - now: The time ages are measured at.
    static func table(of reactor: Reactor, includeInFlight: Bool = false, limit: Int = 100, at now: NIODeadline = .now()) -> Table {
        let limit = max(0, limit)
        let infos = includeInFlight ? reactor.trackedResults(limit: limit) : reactor.stashedResults(limit: limit)
        let counts = reactor.resultCounts
        let total = includeInFlight ? counts.tracked : counts.stashed
        var columns = ["id", "type", "state", "ageSeconds", "waiters", "callSite"].map { Table.Column($0) }
        if includeInFlight { columns.insert(Table.Column("stashed"), at: 4) }
        let rows = infos.map { info in
            var row: [Cell] = [
                .number(info.id), .text(info.valueType), .text(info.state.rawValue), .duration(info.age(at: now)),
                .number(info.waiters), .text(info.callSite.description),
            ]
            if includeInFlight { row.insert(.flag(info.isStashed), at: 4) }
            return row
        }
        let noun = includeInFlight ? "results" : "stashed results"
        let note: String? =
            if infos.isEmpty { "no \(noun)" } else if total > infos.count { "showing \(infos.count) of \(total) \(noun)" } else { nil }
        return Table(columns: columns, rows: rows, note: note)
    }

    /// One tracked result in detail, without retrieving it: its fields, and its value rendered
    /// or its failure with the context it happened in.
    ///
    /// Looking is not handling: a failure seen here is still logged as unhandled when its result
    /// is released without being observed otherwise. The value is `Sendable`, so it is rendered
    /// on the calling thread; safe from any thread.
    /// - Throws: ``InspectorError/noSuchResult(id:)`` when the reactor tracks no result with `id`.
    static func detail(id: Int, of reactor: Reactor, options: RenderOptions, at now: NIODeadline = .now()) throws(InspectorError)
        -> ResultDetail
    {
        guard let peek = reactor.peekResult(id: id) else { throw .noSuchResult(id: id) }
        let info = peek.info
        let fields = Table(fields: [
            Table.Field("id", key: "id", .number(info.id)),
            Table.Field("type", key: "type", .text(info.valueType)),
            Table.Field("state", key: "state", .text(info.state.rawValue)),
            Table.Field("age", key: "ageSeconds", .duration(info.age(at: now))),
            Table.Field("call site", key: "callSite", .text("\(info.callSite) in \(info.callSite.function)")),
            Table.Field("stashed", key: "stashed", .flag(info.isStashed)),
            Table.Field("waiters", key: "waiters", .number(info.waiters)),
        ])
        let value = peek.value.map { Renderer(options: options).render($0, label: "value") }
        return ResultDetail(fields: fields, value: value, failure: peek.failure.map(report))
    }

    /// A failure's multi-line report (error, type, call site, how long after submission it
    /// failed, thread), its duration in the views' format and its terminal controls escaped.
    static func report(_ failure: ResultFailure) -> String {
        let elapsed = DurationFormat.string(nanoseconds: (failure.failedAt - failure.submittedAt).nanoseconds)
        return Quoting.terminalSafe("""
            \(String(reflecting: failure.error))
              error type: \(String(reflecting: type(of: failure.error)))
              submitted at: \(failure.callSite) in \(failure.callSite.function)
              failed after: \(elapsed) on thread \(failure.threadName)
            """)
    }
}

/// One reactor result seen in detail (`result ID`): its fields as a record, then its value
/// rendered or its failure report.
struct ResultDetail: Sendable, Encodable {
    /// id, type, state, age, call site, stashed, waiters.
    var fields: Table
    /// The value rendered, when the result succeeded.
    var value: Rendering?
    /// The failure's multi-line report, when it failed.
    var failure: String?

    /// The fields one per line, then the rendered value or the failure report.
    var plainText: String {
        var out = fields.plainText
        if let value { out += value.plainText }
        if let failure { out += "failure: " + failure + "\n" }
        return out
    }

    /// The record's object with `value` (a rendering) and `failure` (text) added, `null` when absent.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: JSONKey.self)
        if case .record(let list) = fields.content { try fields.encode(list, into: &container) }
        try container.encode(value, forKey: JSONKey("value"))
        try container.encode(failure, forKey: JSONKey("failure"))
    }
}
