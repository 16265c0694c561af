import Inspector
import NIOCore

/// `ls`, `inspect` (`p`), `complete`.
enum InspectionCommands {
    static let list = ShellCommand(
        name: "ls", usage: "ls", summary: "List the registered objects: name, type, where read, summary.",
        isReadOnly: true
    ) { invocation, environment in
        environment.inspector.list(via: environment.reactorCall(for: invocation)).map { Reply(table: EntriesView.table($0)) }
    }

    static let inspect = ShellCommand(
        name: "inspect", aliases: ["p"], usage: "inspect PATH [--depth N]",
        summary: "Show a live value: type, summary and children, within budgets.",
        details: """
            PATH starts at a registered name and follows fields, indexes and keys:
              app.config.port   app.jobs[3]   app.cache["user:42"]   app.jobs.count
            --depth N shows N levels of children (default \(RenderOptions().maxDepth), at most 8).
            Long collections show their first children and "… N more".
            """,
        isReadOnly: true, takesPath: true
    ) { invocation, environment in
        var path: String?
        var options = environment.inspector.configuration.renderOptions
        var arguments = invocation.arguments[...]
        while let argument = arguments.popFirst() {
            if argument == "--depth" {
                guard let text = arguments.popFirst(), let depth = Int(text), (0...8).contains(depth) else {
                    return environment.fail("--depth needs a number from 0 to 8")
                }
                options.maxDepth = depth
            } else if path == nil {
                path = argument
            } else {
                return environment.fail("unexpected argument '\(argument)'; usage: inspect PATH [--depth N]")
            }
        }
        guard let path else { return environment.fail("usage: inspect PATH [--depth N]") }
        return environment.inspector.inspect(path, options: options, via: environment.reactorCall(for: invocation)).map { rendering in
            Reply(text: rendering.plainText, encoding: rendering)
        }
    }

    static let complete = ShellCommand(
        name: "complete", usage: "complete PARTIAL-LINE",
        summary: "Candidates for the last word of a partial command line (for clients).",
        details: "Prints one candidate per line; each replaces the last word. Commands first, then paths.",
        isReadOnly: true
    ) { invocation, environment in
        let line = invocation.argumentText
        let endsWithSpace = line.last == " "
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let finish: @Sendable ([String]) -> Reply = { candidates in
            Reply(text: candidates.map { $0 + "\n" }.joined(), encoding: candidates)
        }
        if words.isEmpty || (words.count == 1 && !endsWithSpace) {
            let prefix = words.first ?? ""
            return environment.reply(finish(environment.commands.names.filter { $0.hasPrefix(prefix) }))
        }
        let partial = endsWithSpace ? "" : words[words.count - 1]
        guard let command = environment.commands.command(named: words[0]) else { return environment.reply(finish([])) }
        if command.name == "help" {
            return environment.reply(finish(environment.commands.names.filter { $0.hasPrefix(partial) }))
        }
        guard command.takesPath, !partial.hasPrefix("-") else { return environment.reply(finish([])) }
        return environment.inspector.complete(partial, via: environment.reactorCall(for: invocation)).map(finish).recover { _ in finish([]) }
    }
}
