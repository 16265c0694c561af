import Foundation

/// Each thread of a process by thread id: its name, CPU nanoseconds and times scheduled, read from
/// `/proc/PROCESS/task/*/schedstat` and `comm` (`process` is a process id, or "self").
func threadStats(ofProcess process: String = "self") -> [Int32: (name: String, cpu: Int, runs: Int)] {
    var result: [Int32: (name: String, cpu: Int, runs: Int)] = [:]
    let tasks = "/proc/\(process)/task"
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? [] {
        guard let tid = Int32(entry),
            let stat = try? String(contentsOfFile: "\(tasks)/\(entry)/schedstat", encoding: .utf8)
        else { continue }
        let fields = stat.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard fields.count >= 3 else { continue }
        let name = (try? String(contentsOfFile: "\(tasks)/\(entry)/comm", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        result[tid] = (name, fields[0], fields[2])
    }
    return result
}
