import ManholeWire
public import NIOCore
public import Reactor

extension Inspector {
    /// The reactor's stashed results as a table: id, value type, state, age, waiters and call
    /// site, by id; with `includeInFlight`, also the results still in flight (and a STASHED column).
    ///
    /// A snapshot taken under the reactor's registry lock; safe from any thread, the reactor
    /// thread included, and costs the rows shown, not the registry.
    /// - Parameters:
    ///   - includeInFlight: Whether to list in-flight results too.
    ///   - limit: The most rows; a note says how many were left out.
    ///   - now: The time ages are measured at.
    public func resultsTable(includeInFlight: Bool = false, limit: Int = 100, at now: NIODeadline = .now()) -> Table {
        let limit = max(0, limit)
        let infos = includeInFlight ? reactor.trackedResults(limit: limit) : reactor.stashedResults(limit: limit)
        let counts = reactor.resultCounts
        let total = includeInFlight ? counts.tracked : counts.stashed
        var columns = ["ID", "TYPE", "STATE", "AGE", "WAITERS", "CALL SITE"]
        if includeInFlight { columns.insert("STASHED", at: 4) }
        let rows = infos.map { info in
            var row = [
                "\(info.id)", info.valueType, info.state.rawValue, DurationFormat.string(info.age(at: now)),
                "\(info.waiters)", info.callSite.description,
            ]
            if includeInFlight { row.insert(info.isStashed ? "yes" : "no", at: 4) }
            return row
        }
        let noun = includeInFlight ? "results" : "stashed results"
        let note: String? =
            if infos.isEmpty { "no \(noun)" } else if total > infos.count { "showing \(infos.count) of \(total) \(noun)" } else { nil }
        return Table(columns: columns, rows: rows, note: note)
    }

    /// One tracked result in detail, without retrieving it: its snapshot, and its value rendered
    /// or its failure with the context it happened in.
    ///
    /// Looking is not handling: a failure seen here is still logged as unhandled when its result
    /// is released without being observed otherwise. The
    /// value is `Sendable`, so it is rendered on the calling thread; safe from any thread.
    /// - Throws: ``InspectorError/noSuchResult(id:)`` when the reactor tracks no result with `id`.
    public func resultDetail(id: Int, options: RenderOptions? = nil, at now: NIODeadline = .now()) throws(InspectorError)
        -> ResultDetail
    {
        guard let peek = reactor.peekResult(id: id) else { throw .noSuchResult(id: id) }
        let info = peek.info
        let rendering = peek.value.map { Renderer(options: options ?? configuration.renderOptions).render($0, label: "value") }
        return ResultDetail(
            id: info.id, valueType: Quoting.oneLine(info.valueType), state: info.state,
            age: DurationFormat.string(info.age(at: now)),
            callSite: Quoting.oneLine("\(info.callSite) in \(info.callSite.function)"), isStashed: info.isStashed,
            waiters: info.waiters, value: rendering, failure: peek.failure.map { Quoting.terminalSafe($0.description) })
    }
}

/// One reactor result seen in detail: what ``Inspector/resultDetail(id:options:at:)`` returns.
public struct ResultDetail: Sendable, Hashable, Codable {
    /// The result's id.
    public var id: Int
    /// The Swift type of its value.
    public var valueType: String
    /// Pending, succeeded, failed or cancelled.
    public var state: ResultState
    /// Its age, human-readable (`1.5s`).
    public var age: String
    /// Where the work was submitted: `file:line in function`.
    public var callSite: String
    /// Whether it is held in the stash.
    public var isStashed: Bool
    /// How many threads wait on it.
    public var waiters: Int
    /// The value rendered, when the result succeeded.
    public var value: Rendering?
    /// The failure's multi-line report (error, type, call site, timing, thread), when it failed.
    public var failure: String?

    /// The fields one per line, then the rendered value or the failure report.
    public var plainText: String {
        let fields = Table(
            columns: [],
            rows: [
                ["id", "\(id)"], ["type", valueType], ["state", state.rawValue], ["age", age], ["call site", callSite],
                ["stashed", isStashed ? "yes" : "no"], ["waiters", "\(waiters)"],
            ])
        var out = fields.plainText
        if let value { out += value.plainText }
        if let failure { out += "failure: " + failure + "\n" }
        return out
    }
}
