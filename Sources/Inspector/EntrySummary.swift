/// One registered entry as ``Inspector/list()`` describes it: its name, the type and one-line
/// summary of its value, and where it is read. The shell's `ls` turns these into its table.
package struct EntrySummary: Sendable, Hashable {
    /// The name it is registered under.
    package var name: String
    /// Its value's type name (`?` when the read failed).
    package var typeName: String
    /// Where it is read (``ReadContext``'s description: `reactor`, `queue jobs`, `actor Ledger`).
    package var readOn: String
    /// The value's one-line summary, or `error: …` when the read failed.
    package var summary: String

    /// Creates a summary.
    package init(name: String, typeName: String, readOn: String, summary: String) {
        self.name = name
        self.typeName = typeName
        self.readOn = readOn
        self.summary = summary
    }
}
