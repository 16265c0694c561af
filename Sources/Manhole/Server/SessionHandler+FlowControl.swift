import NIOCore

/// Flow control: the channel reads on its own while the session keeps up, and stops reading
/// (`autoRead` off) while it holds ``maxWaitingLines`` unanswered lines or its socket is full;
/// it reads on once it has answered everything and the socket is writable. It keeps reading
/// while a command runs with fewer lines waiting, so that an `interrupt` sent meanwhile is read
/// (and acts) at once. A client that sends without reading stalls itself, not the server: a
/// session holds at most ``maxWaitingLines`` lines and one read's worth of input and one reply's
/// worth of output beyond the socket buffers, and a session that keeps up costs no extra system
/// calls per command. Lines are taken up within the shell's budget (``LoopBudget``).
extension SessionHandler {
    /// The unanswered lines past which the session stops reading.
    static let maxWaitingLines = 16

    func processPending() {
        while !busy, pendingHead < pending.count, context?.channel.isWritable == true {
            guard shell.mayRun() else {
                waitForTurn()
                return
            }
            let line = pending[pendingHead]
            pendingHead += 1
            if pendingHead == pending.count {
                pending.removeAll(keepingCapacity: true)
                pendingHead = 0
            }
            sequence += 1
            switch line {
            case .line(let line): shell.measure { handle(line) }
            case .interrupted(let format): say(ShellFrames.error("interrupted (dropped before it ran)", sequence: sequence, format: format))
            case .interruptAnswer(let reply, let format): sayInterruptAnswer(reply, format: format)
            }
        }
    }

    /// Waits for the shell's budget (see ``LoopBudget``): the lines stay pending and reading
    /// stays paused until the session's turn comes.
    func waitForTurn() {
        guard !waitingForTurn else { return }
        waitingForTurn = true
        let loopBound = NIOLoopBound(self, eventLoop: environment.eventLoop)
        shell.waitForTurn {
            let this = loopBound.value
            this.waitingForTurn = false
            this.processPending()
            this.readMoreIfIdle()
        }
    }

    /// Stops reading while the session has ``maxWaitingLines`` unanswered lines or a full socket:
    /// input then waits in the kernel (and the client's send buffer), not in the server's memory.
    func pauseReadingIfBehind() {
        guard reading, pending.count - pendingHead >= Self.maxWaitingLines || context?.channel.isWritable == false
        else { return }
        setReading(false)
    }

    /// Reads on again once everything read is answered and the socket is writable.
    func readMoreIfIdle() {
        guard !busy, pendingHead >= pending.count, let context, context.channel.isActive, context.channel.isWritable
        else { return }
        if closing { return }
        if inputClosed { return closeAfterLastReply(context) }
        if !reading { setReading(true) }
    }

    /// Closes once the replies written so far are flushed (the client shut down its input).
    private func closeAfterLastReply(_ context: ChannelHandlerContext) {
        logBeforeLogin(.info, "client closed its input; closing after the last reply", ["peer": "\(peer)"])
        closing = true
        perform(login.sessionEnded())
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete {
            [channel = context.channel] _ in channel.close(promise: nil)
        }
    }

    private func setReading(_ on: Bool) {
        guard let context else { return }
        reading = on
        try? context.channel.syncOptions?.setOption(.autoRead, value: on)
    }
}
