import NIOCore
import Reactor

/// The command driver: hands a logged-in user's line to the ``Shell`` and writes its answer.
extension SessionHandler {
    func runCommand(_ line: InboundLine, caller: Shell.Caller) {
        let loopBound = NIOLoopBound(self, eventLoop: environment.eventLoop)
        // Busy before the command runs: a reply that is ready at once completes it (and takes up
        // the next line) before `dispatch` returns.
        busy = true
        let interruption = CallInterruption()
        running = ("", interruption)
        let dispatch = shell.dispatch(line, sequence: sequence, caller: caller, logger: logger, interruption: interruption) { completion in
            let this = loopBound.value
            this.shell.measure { this.finishCommand(completion) }
        }
        switch dispatch {
        case .answered(let frame):
            running = nil
            busy = false
            say(frame)
        case .running(let name):
            // Still this command's (a reply ready at once has finished it, and perhaps started
            // the next line, before `dispatch` returned): name it for the interrupt's answer.
            if running?.interruption === interruption { running?.name = name }
        }
    }

    /// Answers a command and goes on with the session's next line.
    private func finishCommand(_ completion: Shell.Completion) {
        running = nil
        if closing {
            // The session ended while the command ran (a goodbye may already be queued): a reply
            // now would follow the goodbye.
            busy = false
            return shell.drop(completion, logger: logger)
        }
        let answer = shell.finish(completion, logger: logger)
        say(answer.frame)
        if answer.closesSession {
            closing = true
            context?.close(promise: nil)
            return
        }
        busy = false
        processPending()
        readMoreIfIdle()
    }
}
