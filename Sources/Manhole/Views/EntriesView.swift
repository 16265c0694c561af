import Inspector

/// `ls`: the objects the host registered.
enum EntriesView {
    /// One row per entry, by name: the type and one-line summary of its value, and where it is read.
    static func table(_ entries: [EntrySummary]) -> Table {
        let rows = entries.map { entry -> [Cell] in
            [.text(entry.name), .text(entry.typeName), .text(entry.readOn), .text(entry.summary)]
        }
        let columns = [Table.Column("name"), Table.Column("type"), Table.Column("readOn"), Table.Column("summary")]
        return Table(columns: columns, rows: rows, note: entries.isEmpty ? "no objects registered" : nil)
    }
}
