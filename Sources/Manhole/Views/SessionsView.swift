import NIOCore

/// `sessions`: the connections to this manhole.
enum SessionsView {
    /// One row per session, by id: user and role (`-` while still logging in), peer, how long it
    /// has been connected, how many commands it ran and the last one; the note names the
    /// session asking.
    /// - Parameters:
    ///   - current: The id of the session that asks.
    ///   - now: The time connection ages are measured at.
    static func table(_ sessions: [SessionInfo], current: Int, at now: NIODeadline = .now()) -> Table {
        let rows = sessions.map { session -> [Cell] in
            [
                .number(session.id), .text(session.user), .text(session.role?.name), .text(session.peer),
                .duration(session.age(at: now)), .number(session.commands), .text(session.lastCommand),
            ]
        }
        let columns = [
            Table.Column("id"), Table.Column("user"), Table.Column("role"), Table.Column("peer"),
            Table.Column("connectedSeconds", heading: "CONNECTED FOR"), Table.Column("commands"), Table.Column("lastCommand"),
        ]
        return Table(columns: columns, rows: rows, note: "this session: \(current)")
    }
}
