import Logging

/// `log`: the host's recent log lines, from the ring the host configured
/// (``Manhole/Configuration/logRing``).
enum LogCommand {
    static let usage = "log [--level LEVEL] [--lines N] | log --follow [--level LEVEL]"
    /// The lines shown when `--lines` is not given (fewer if the ring keeps fewer).
    static let defaultLines = 50
    static let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")

    static let log = ShellCommand(
        name: "log", usage: usage, summary: "The host's recent log lines, oldest first.",
        details: """
            The newest N lines (50 by default, at most as many as the host keeps) at LEVEL or \
            above (trace, debug, info, notice, warning, error, critical; by default every line \
            kept), oldest first: time (UTC), level, label, message, metadata as key=value \
            sorted by key. Controls and newlines in them are escaped. The host keeps its recent \
            lines only if it opted in (Manhole.Configuration.logRing), and only lines at its \
            handler's level (info by default). With --follow: a watch (see 'watches') whose \
            notices are the new lines at LEVEL or above, each as 'log' shows it, until \
            'interrupt' or 'unwatch N'; a follower more than the host's lines behind is told \
            how many it lost.
            """,
        isReadOnly: true
    ) { invocation, environment in
        guard let ring = environment.configuration.logRing else {
            return environment.fail(
                "log capture is not enabled: the host has not set Manhole.Configuration.logRing "
                    + "(a LogRing whose handler(label:) it adds beside its own log handler with MultiplexLogHandler)")
        }
        let options: Options
        do throws(ShellError) {
            options = try Options(invocation.arguments, capacity: ring.capacity)
        } catch {
            return environment.fail(error.description)
        }
        if options.follow { return LogFollowCommand.start(invocation, level: options.level, ring: ring, environment: environment) }
        // Copies at most `capacity` entries under the ring's lock; the formatting is done here,
        // on the sessions' thread, and charged to the shell's budget with the rest of the line.
        let entries = ring.recent(limit: options.lines, minimumLevel: options.level).entries
        return environment.reply(LogView.reply(entries, level: options.level, capacity: ring.capacity))
    }

    /// `--level LEVEL` and `--lines N`, checked before anything is counted or allocated.
    struct Options {
        var level: Logger.Level = .trace
        var lines: Int
        var follow = false

        init(_ arguments: [String], capacity: Int) throws(ShellError) {
            lines = min(LogCommand.defaultLines, capacity)
            var seen: Set<String> = []
            var rest = arguments[...]
            while let option = rest.popFirst() {
                if option == "--follow" {
                    guard !follow else { throw ShellError("--follow given twice; usage: \(usage)") }
                    follow = true
                    continue
                }
                guard option == "--level" || option == "--lines" else {
                    throw ShellError("unknown argument '\(option)'; usage: \(usage)")
                }
                guard seen.insert(option).inserted else { throw ShellError("\(option) given twice; usage: \(usage)") }
                guard let value = rest.popFirst() else { throw ShellError("\(option) needs a value; usage: \(usage)") }
                if option == "--level" {
                    guard let level = Logger.Level(rawValue: value.lowercased()) else {
                        throw ShellError("unknown level '\(value)': the levels are \(levels)")
                    }
                    self.level = level
                } else {
                    lines = try Self.lineCount(value, capacity: capacity)
                }
            }
            if follow && seen.contains("--lines") {
                throw ShellError("--lines does not go with --follow (a follow shows only new lines); usage: \(usage)")
            }
        }

        /// `value` as a count from 1 to `capacity`: digits only (no sign, no spaces), so that
        /// garbage, a negative, zero and a number too big for an `Int` each get a clear error.
        static func lineCount(_ value: String, capacity: Int) throws(ShellError) -> Int {
            let range = "a whole number from 1 to \(capacity) (the lines the host keeps)"
            guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                throw ShellError("--lines must be \(range), not '\(value)'")
            }
            guard let count = Int(value), count >= 1, count <= capacity else {
                throw ShellError("--lines \(value) is out of range: it must be \(range)")
            }
            return count
        }
    }
}
