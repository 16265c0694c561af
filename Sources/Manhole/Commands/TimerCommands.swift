import Inspector
import NIOCore
import Reactor

/// `timers`, `cancel-timer`.
enum TimerCommands {
    static let timers = ShellCommand(
        name: "timers", usage: "timers", summary: "List the reactor's live timers: due in, interval, runs, call site.",
        isReadOnly: true
    ) { invocation, environment in
        guard invocation.arguments.isEmpty else { return environment.fail("usage: timers") }
        return environment.reply(TimersView.table(of: environment.reactor))
    }

    static let cancelTimer = ShellCommand(
        name: "cancel-timer", usage: "cancel-timer ID", summary: "Cancel a delayed call or stop a looping call.",
        isReadOnly: false
    ) { invocation, environment in
        environment.withID(invocation, usage: "cancel-timer ID (a number from 'timers')") { id in
            guard environment.reactor.cancelTimer(id: id) else { return environment.fail("no live timer with id \(id)") }
            return environment.reply(Reply(text: "cancelled timer \(id)\n", encoding: ["cancelled": id]))
        }
    }
}
