import Inspector
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

    /// Up to three known names closest to `name`, best first (the Inspector's ``Suggestions``,
    /// so commands and paths suggest alike).
    func suggestions(for name: String) -> [String] {
        Suggestions.closest(to: name, among: names)
    }

    /// The message for an unknown command, with the closest names.
    func unknownCommandMessage(_ name: String) -> String {
        let suggestions = suggestions(for: name)
        let hint = suggestions.isEmpty ? "" : " Did you mean \(suggestions.map { "'\($0)'" }.joined(separator: " or "))?"
        return "unknown command '\(name)'.\(hint) Type 'help' for the list."
    }
}
