/// `help`: the commands this shell knows.
enum HelpView {
    /// One row per command, by name: its usage, its summary and whether read-only users may run
    /// it; the command's bare name is in the JSON only (the usage shows it).
    static func table(_ commands: [ShellCommand]) -> Table {
        let columns = [
            Table.Column("name", isShownInText: false), Table.Column("usage"), Table.Column("summary"),
            Table.Column("readOnly", heading: "READ-ONLY"),
        ]
        let rows = commands.map { command -> [Cell] in
            [.text(command.name), .text(command.usage), .text(command.summary), .flag(command.isReadOnly)]
        }
        return Table(columns: columns, rows: rows, note: "help COMMAND explains one; interrupt (Ctrl-C in manhole-client) stops the running command, log follows and waiting lines")
    }
}
