import NIOConcurrencyHelpers

/// The commands a shell knows: the built-ins, then the host's. Looked up by name or alias;
/// host commands can be added while sessions run.
final class CommandTable: Sendable {
    private let commands = NIOLockedValueBox<[String: ShellCommand]>([:])
    private let aliases = NIOLockedValueBox<[String: String]>([:])

    /// Adds or replaces a command.
    func add(_ command: ShellCommand) {
        commands.withLockedValue { $0[command.name] = command }
        aliases.withLockedValue { table in
            for alias in command.aliases { table[alias] = command.name }
        }
    }

    /// The command called `name` (or aliased so).
    func command(named name: String) -> ShellCommand? {
        let canonical = aliases.withLockedValue { $0[name] } ?? name
        return commands.withLockedValue { $0[canonical] }
    }

    /// Every command, sorted by name.
    var all: [ShellCommand] {
        commands.withLockedValue { Array($0.values) }.sorted { $0.name < $1.name }
    }

    /// Every name and alias, sorted.
    var names: [String] {
        (all.map(\.name) + aliases.withLockedValue { Array($0.keys) }).sorted()
    }

    /// Up to three known names closest to `name` (edit distance at most 3), best first.
    func suggestions(for name: String) -> [String] {
        names.map { ($0, editDistance($0, name)) }
            .filter { $0.1 <= max(1, min(3, name.count / 2 + 1)) || $0.0.hasPrefix(name) }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
            .prefix(3).map(\.0)
    }
}

/// The Levenshtein distance between two strings.
func editDistance(_ lhs: String, _ rhs: String) -> Int {
    let a = Array(lhs)
    let b = Array(rhs)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
