import Inspector
import NIOCore
import Reactor

/// `results`, `result`, `cancel`.
enum ResultCommands {
    static let results = ShellCommand(
        name: "results", usage: "results [--all]",
        summary: "List stashed results (--all: also those in flight, with their waiters).", isReadOnly: true
    ) { invocation, environment in
        let all = invocation.arguments.contains("--all")
        if let unknown = invocation.arguments.first(where: { $0 != "--all" }) {
            return environment.fail("unexpected argument '\(unknown)'; usage: results [--all]")
        }
        return environment.reply(ResultsView.table(of: environment.reactor, includeInFlight: all))
    }

    static let result = ShellCommand(
        name: "result", usage: "result ID",
        summary: "Show one result without retrieving it: its value, or its failure with context.",
        isReadOnly: true
    ) { invocation, environment in
        environment.withID(invocation, usage: "result ID (a number from 'results')") { id in
            do {
                let detail = try ResultsView.detail(
                    id: id, of: environment.reactor, options: environment.inspector.configuration.renderOptions)
                return environment.reply(Reply(text: detail.plainText, encoding: detail))
            } catch {
                return environment.fail("\(error)")
            }
        }
    }

    static let cancel = ShellCommand(
        name: "cancel", usage: "cancel ID",
        summary: "Cancel a pending result: waiters get 'cancelled', its operation is told to stop.",
        isReadOnly: false
    ) { invocation, environment in
        environment.withID(invocation, usage: "cancel ID (a number from 'results --all')") { id in
            guard environment.reactor.cancelResult(id: id) else {
                return environment.fail("result \(id) is not pending (unknown, finished or already cancelled)")
            }
            return environment.reply(Reply(text: "cancelled result \(id)\n", encoding: ["cancelled": id]))
        }
    }
}
