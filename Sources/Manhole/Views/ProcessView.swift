import NIOCore

/// `stats`: the whole process's figures.
enum ProcessView {
    /// Resident memory, threads, open files, uptime (the process's: since it started) and CPU
    /// time, as a record; a figure that cannot be read is missing (`-`, JSON `null`). Safe from
    /// any thread.
    static func table(_ snapshot: ProcessSnapshot = .current()) -> Table {
        func seconds(_ value: Double?) -> Cell { value.map { .duration(.nanoseconds(Int64(($0 * 1e9).rounded()))) } ?? .missing }
        let total = snapshot.userCPUSeconds.flatMap { user in snapshot.systemCPUSeconds.map { user + $0 } }
        return Table(fields: [
            Table.Field("resident memory", key: "residentBytes", snapshot.residentBytes.map(Cell.bytes) ?? .missing),
            Table.Field("threads", key: "threads", snapshot.threads.map(Cell.number) ?? .missing),
            Table.Field("open files", key: "openFiles", snapshot.openFiles.map(Cell.number) ?? .missing),
            Table.Field("uptime", key: "uptimeSeconds", seconds(snapshot.uptimeSeconds)),
            Table.Field("cpu time", key: "cpuSeconds", seconds(total)),
            Table.Field("user cpu time", key: "userCPUSeconds", seconds(snapshot.userCPUSeconds)),
            Table.Field("system cpu time", key: "systemCPUSeconds", seconds(snapshot.systemCPUSeconds)),
        ])
    }
}
