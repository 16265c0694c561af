#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Figures about the whole process: memory, threads, open files, uptime, CPU time.
///
/// On Linux they come from `/proc/self`; elsewhere only what `getrusage` gives (CPU time, peak
/// memory) is filled in. A figure that cannot be read is `nil`.
package struct ProcessSnapshot: Sendable, Hashable, Codable {
    /// Resident memory in bytes (`VmRSS`; on other systems the peak resident size).
    package var residentBytes: Int?
    /// The number of threads.
    package var threads: Int?
    /// The number of open file descriptors.
    package var openFiles: Int?
    /// Seconds since the process started.
    package var uptimeSeconds: Double?
    /// CPU seconds spent in user mode.
    package var userCPUSeconds: Double?
    /// CPU seconds spent in the kernel.
    package var systemCPUSeconds: Double?

    /// Creates a snapshot from figures already known.
    package init(
        residentBytes: Int? = nil, threads: Int? = nil, openFiles: Int? = nil, uptimeSeconds: Double? = nil,
        userCPUSeconds: Double? = nil, systemCPUSeconds: Double? = nil
    ) {
        self.residentBytes = residentBytes
        self.threads = threads
        self.openFiles = openFiles
        self.uptimeSeconds = uptimeSeconds
        self.userCPUSeconds = userCPUSeconds
        self.systemCPUSeconds = systemCPUSeconds
    }

    /// Reads the figures now, from a few small files under `/proc/self`; safe from any thread.
    package static func current() -> ProcessSnapshot {
        #if os(Linux)
        return read(directory: "/proc/self") ?? ProcessSnapshot()
        #else
        var snapshot = ProcessSnapshot()
        var usage = rusage()
        if getrusage(RUSAGE_SELF, &usage) == 0 {
            snapshot.userCPUSeconds = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            snapshot.systemCPUSeconds = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
            snapshot.residentBytes = Int(usage.ru_maxrss)
        }
        return snapshot
        #endif
    }

    /// The same figures for another process of this machine (a server a tool started, say), from
    /// `/proc/<id>` on Linux; `nil` when there is no such process, or it is not ours to read, or
    /// elsewhere than Linux.
    package static func of(processID: Int32) -> ProcessSnapshot? {
        #if os(Linux)
        return read(directory: "/proc/\(processID)")
        #else
        return nil
        #endif
    }

    #if os(Linux)
    /// The figures from a process's `/proc` directory; `nil` if its status cannot be read.
    private static func read(directory: String) -> ProcessSnapshot? {
        guard let status = ProcFiles.read("\(directory)/status") else { return nil }
        var snapshot = ProcessSnapshot()
        for line in status.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "\t" })
            guard parts.count >= 2 else { continue }
            if parts[0] == "VmRSS", let kilobytes = Int(parts[1]) { snapshot.residentBytes = kilobytes * 1024 }
            if parts[0] == "Threads" { snapshot.threads = Int(parts[1]) }
        }
        snapshot.openFiles = ProcFiles.countOpenFiles(in: "\(directory)/fd", listedBySelf: directory == "/proc/self")
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        if ticks > 0, let stat = ProcFiles.read("\(directory)/stat"), let close = stat.lastIndex(of: ")") {
            // Fields after the command name, starting at field 3 (state).
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 19 {
                snapshot.userCPUSeconds = Double(fields[11]).map { $0 / ticks }
                snapshot.systemCPUSeconds = Double(fields[12]).map { $0 / ticks }
                if let start = Double(fields[19]), let uptime = ProcFiles.read("/proc/uptime"),
                    let systemUptime = uptime.split(separator: " ").first.flatMap({ Double($0) })
                {
                    snapshot.uptimeSeconds = max(0, systemUptime - start / ticks)
                }
            }
        }
        return snapshot
    }
    #endif
}

#if os(Linux)
/// Small reads from `/proc`, whose files report a size of 0 and must be read to the end.
enum ProcFiles {
    static func read(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The entries of a `/proc/<id>/fd` directory; for this process's own (`listedBySelf`), not
    /// counting the descriptor used to list them.
    static func countOpenFiles(in path: String, listedBySelf: Bool) -> Int? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        let own = listedBySelf ? dirfd(directory) : -1
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            guard let descriptor = Int32(name), descriptor != own else { continue }
            count += 1
        }
        return count
    }
}
#endif
