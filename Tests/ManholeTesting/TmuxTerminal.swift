import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real pseudo-terminal for the interactive client: a private tmux server (its own socket,
/// `tmux -L NAME`) running one command in a pane we type into (`send-keys`) and read back
/// (`capture-pane`). The server is killed when the value goes away.
public final class TmuxTerminal {
    /// tmux itself, or a failure that says how to install it (the tests fail, not skip).
    public static func tmuxPath() throws -> String {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
            let path = "\(directory)/tmux"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw TerminalTestError("tmux is not installed, so the interactive client cannot be tested: run `bash scripts/setup.sh` (or apt-get install tmux)")
    }

    private let tmux: String
    private let socket = "manhole-client-test-\(UUID().uuidString.prefix(8))"
    private let configuration = FileManager.default.temporaryDirectory
        .appendingPathComponent("manhole-client-tmux-\(UUID().uuidString).conf")

    /// Starts `command` (a shell command line) in a 120×40 pane with `environment` added.
    public init(command: String, environment: [String: String]) throws {
        tmux = try Self.tmuxPath()
        // The pane stays readable after the command ends (no process lingers to keep it).
        try Data("set-option -g remain-on-exit on\n".utf8).write(to: configuration)
        var arguments = ["-f", configuration.path, "new-session", "-d", "-s", "test", "-x", "120", "-y", "40"]
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["-e", "\(name)=\(value)"] }
        arguments.append(command)
        // The tmux server forks from this call: it must not inherit a pipe we wait on.
        try run(arguments, captureOutput: false)
    }

    deinit {
        // Killing the only session hangs up the pane's processes and ends the server
        // (`kill-server` left servers running with tmux 3.3a here).
        _ = try? run(["kill-session", "-t", "test"], captureOutput: false)
        try? FileManager.default.removeItem(at: configuration)
    }

    /// Types `text` literally.
    public func type(_ text: String) throws { try run(["send-keys", "-l", text]) }

    /// Presses keys by tmux name: `Enter`, `Tab`, `Up`, `C-c`, `C-d`.
    public func press(_ keys: String...) throws { try run(["send-keys"] + keys) }

    /// Resizes the window (the client gets SIGWINCH).
    public func resize(columns: Int, rows: Int) throws {
        try run(["resize-window", "-t", "test", "-x", "\(columns)", "-y", "\(rows)"])
    }

    /// What the pane shows now, one line per row, trailing blanks removed.
    public func screen() -> String {
        (try? run(["capture-pane", "-p", "-J"])) ?? ""
    }

    /// Waits (at most 30 s, a hang guard) until the screen satisfies `condition`; returns
    /// whether it did. Every look starts `tmux capture-pane`, so it looks every 10 ms.
    @discardableResult
    public func waitFor(_ condition: (String) -> Bool) -> Bool {
        eventually(every: .milliseconds(10)) { condition(screen()) }
    }

    /// Waits until the screen contains `text`.
    @discardableResult
    public func waitFor(_ text: String) -> Bool { waitFor { $0.contains(text) } }

    /// The last non-empty line of the screen (where the prompt and the typed text are).
    public var lastLine: String {
        screen().split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(String.init) ?? ""
    }

    /// Runs tmux with `posix_spawn` and `waitpid`, not Foundation's `Process`: the tmux server
    /// forks from `new-session` and would keep any descriptor it inherited open (Foundation
    /// watches one to see its child end), so only standard input, output and error are passed.
    @discardableResult
    private func run(_ arguments: [String], captureOutput: Bool = true) throws -> String {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(
            &actions, 1, captureOutput ? outputPath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // Close whatever else is open here (other tests' descriptors) in the child.
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap({ Int32($0) }) where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
        let argv = ([tmux, "-L", socket] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, tmux, &actions, nil, argv, environ)
        guard spawned == 0 else { throw TerminalTestError("cannot start tmux: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var finished = false
        eventually {
            finished = waitpid(pid, &status, WNOHANG) == pid
            return finished
        }
        guard finished else {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
            throw TerminalTestError("tmux \(arguments.first ?? "") did not finish within 30 s")
        }
        guard status == 0 else { throw TerminalTestError("tmux \(arguments.first ?? "") failed (status \(status))") }
        return captureOutput ? try String(contentsOfFile: outputPath, encoding: .utf8) : ""
    }
}


/// tmux is missing or failed.
public struct TerminalTestError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
