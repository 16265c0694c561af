import Foundation
import Manhole
import ManholeWire
import NIOCore
import NIOSSH

/// The three ways a session channel runs commands (see ``SSHSessionHandler``).
extension SSHSessionHandler {
    /// `shell`: the interactive line editor with a pty, lines from standard input without one.
    func startShell() {
        guard let pty else {
            mode = .script
            startNotices()
            return
        }
        mode = .interactive
        let editor = TerminalLineEditor(prompt: "\(connection.user ?? "?")@manhole> ", columns: pty.columns)
        writeText("connected to the manhole as \(connection.user ?? "?"), session \(session.id). Type help; Tab completes; Ctrl-D quits.\n")
        self.editor = editor
        startNotices()
        nextLine()
    }

    /// `exec`: runs the command line's lines in turn, then exits with 0, or 1 if one failed.
    func startExec(_ command: String) {
        mode = .exec
        startNotices()
        let lines = command.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.allSatisfy(\.isWhitespace) }
        guard !lines.isEmpty else { return exit(status: 0) }
        // Nothing more comes: the last answer ends the channel (it may come at once).
        inputClosed = true
        backlog = lines
        feedSession()
    }

    /// Notices: above the line being edited, else as `notice: …` lines on standard output.
    func startNotices() {
        let bound = NIOLoopBound(self, eventLoop: session.eventLoop)
        session.deliverNotices(canWrite: { bound.value.context?.channel.isWritable ?? false }) { frame in
            bound.value.showNotice(frame.payload)
        }
    }

    private func showNotice(_ payload: String) {
        if editor != nil { return printAboveLine(payload) }
        writeText("notice: " + (payload.hasSuffix("\n") ? payload : payload + "\n"))
    }

    /// Interactive mode: `text` above the line being edited, which is drawn again below it.
    private func printAboveLine(_ text: String) {
        guard var editor else { return }
        write(editor.printAbove(Quoting.terminalSafe(text.hasSuffix("\n") ? text : text + "\n")))
        self.editor = editor
    }

    /// Interactive mode: keys through the editor, what they make on screen back to the client.
    func typed(_ bytes: [UInt8]) {
        guard var editor else { return }
        let (output, events) = editor.feed(bytes)
        self.editor = editor
        write(output)
        for event in events { handle(event) }
    }

    private func handle(_ event: TerminalLineEditor.Event) {
        switch event {
        case .submit(let line):
            guard !line.allSatisfy(\.isWhitespace) else { return nextLine() }
            session.run(line) { [self] frame, closes in answered(frame, closes: closes) }
        case .complete(let line, let cursor):
            session.run("@json complete " + String(line.prefix(cursor))) { [self] frame, _ in
                let candidates = (try? JSONDecoder().decode([String].self, from: Data(frame.payload.utf8))) ?? []
                guard var editor else { return }
                write(editor.applyCompletion(candidates))
                self.editor = editor
            }
        case .interrupt:
            // While a command runs, Ctrl-C is the protocol's interrupt; at the prompt the
            // editor has already cleared the line.
            guard session.isBusy else { return }
            session.interrupt { [self] frame, _ in printAboveLine(frame.payload) }
        case .endOfInput:
            exit(status: 0)
        }
    }

    /// Interactive mode: a command's reply, then the prompt again (or the end, after `quit`).
    private func answered(_ frame: Frame, closes: Bool) {
        let text = frame.kind == .error ? "error: " + frame.payload : frame.payload
        writeText(text.isEmpty || text.hasSuffix("\n") ? text : text + "\n")
        if closes { return exit(status: 0) }
        nextLine()
    }

    /// The prompt for the next line, and the lines typed ahead meanwhile.
    private func nextLine() {
        guard var editor else { return }
        let (output, events) = editor.startLine()
        write(output)
        self.editor = editor
        for event in events { handle(event) }
    }

    /// Script mode: standard input as lines, one command each.
    func readScript(_ bytes: [UInt8]) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                let line = String(decoding: partialLine, as: UTF8.self).trimmingCharacters(in: .init(charactersIn: "\r"))
                partialLine.removeAll(keepingCapacity: true)
                if !line.allSatisfy(\.isWhitespace) { backlog.append(line) }
            } else if partialLine.count < Self.maxLineBytes {
                partialLine.append(byte)
            } else {
                writeError("error: a line is longer than \(Self.maxLineBytes) bytes\n")
                return exit(status: 1)
            }
        }
        feedSession()
    }

    /// Hands waiting lines to the session while it takes more; reads on only once none waits
    /// here, so a long script costs one read's worth of lines, not the whole script.
    func feedSession() {
        while !backlog.isEmpty, unanswered < ShellSession.maxWaitingLines {
            runLine(backlog.removeFirst())
        }
        setReading(backlog.isEmpty)
        if inputClosed, unanswered == 0, backlog.isEmpty { exit(status: failed ? 1 : 0) }
    }

    private func setReading(_ on: Bool) {
        guard mode == .script, let channel = context?.channel else { return }
        try? channel.syncOptions?.setOption(ChannelOptions.autoRead, value: on)
        if on { channel.read() }
    }

    /// Script and exec modes: runs `line` in its turn; its reply on standard output, an error
    /// on standard error.
    private func runLine(_ line: String) {
        unanswered += 1
        session.run(line) { [self] frame, closes in
            unanswered -= 1
            if frame.kind == .error {
                failed = true
                writeError("error: " + frame.payload)
            } else {
                writeText(frame.payload)
            }
            if closes { return exit(status: failed ? 1 : 0) }
            feedSession()
        }
    }

    /// The client closed its input: script mode ends once every line is answered (a last line
    /// without a newline runs too); interactive mode ends now.
    func inputEnded() {
        switch mode {
        case .script:
            if !partialLine.isEmpty {
                let line = String(decoding: partialLine, as: UTF8.self)
                partialLine = []
                if !line.allSatisfy(\.isWhitespace) { backlog.append(line) }
            }
            feedSession()
        case .interactive: exit(status: 0)
        case .waiting, .exec: break
        }
    }
}
