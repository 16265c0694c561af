import Logging
import Manhole
import ManholeWire
import NIOCore
import NIOSSH

/// One SSH session channel: the requests a client sends on it (`pty-req`, `env`, `shell`,
/// `exec`, `window-change`; `subsystem` and the rest refused) and its bytes. Three modes:
/// - interactive (`shell` with a pty): the server edits the line (``TerminalLineEditor``) and
///   prints replies and notices around it;
/// - script (`shell` without a pty): standard input is read as lines, one command each, run in
///   turn; replies on standard output, errors on standard error; the exit status is 1 if any
///   command failed;
/// - exec: the command line sent with the request runs (each of its lines in turn), then the
///   channel closes with exit status 0, or 1 for a command error.
/// Confined to the sessions' loop, as the connection's channel is.
final class SSHSessionHandler: ChannelDuplexHandler {
    typealias InboundIn = SSHChannelData
    typealias OutboundIn = SSHChannelData
    typealias OutboundOut = SSHChannelData

    enum Mode { case waiting, interactive, script, exec }

    /// The longest line read in script mode (bytes); a longer one ends the session with an error.
    static let maxLineBytes = 65_536

    let connection: SSHConnection
    var mode = Mode.waiting
    var pty: (columns: Int, term: String)?
    var editor: TerminalLineEditor?
    var context: ChannelHandlerContext?
    /// Script mode: bytes of the line being read.
    var partialLine: [UInt8] = []
    /// Script and exec modes: lines read and not yet handed to the session (it takes at most
    /// ``ShellSession/maxWaitingLines``; reading pauses while these wait), lines handed and not
    /// yet answered, and whether any failed.
    var backlog: [String] = []
    var unanswered = 0
    var failed = false
    var inputClosed = false
    var finished = false

    var session: ShellSession { connection.session }

    init(connection: SSHConnection) {
        self.connection = connection
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelInactive(context: ChannelHandlerContext) {
        finished = true
        // The connection holds this channel and this handler the connection: a cycle to break.
        if connection.sessionChannel === context.channel { connection.sessionChannel = nil }
        editor = nil
        self.context = nil
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let request as SSHChannelRequestEvent.PseudoTerminalRequest:
            // RFC 4254 6.2: a zero width means "not given" (ssh -tt with a pipe sends 0).
            let width = request.terminalCharacterWidth
            pty = (width > 0 ? min(width, 1_000) : 80, request.term)
            reply(request.wantReply, true)
        case let request as SSHChannelRequestEvent.EnvironmentRequest:
            // TERM only: the shell has no use for the rest, and must not take a client's settings.
            reply(request.wantReply, request.name == "TERM")
        case let request as SSHChannelRequestEvent.ShellRequest:
            guard mode == .waiting else { return reply(request.wantReply, false) }
            reply(request.wantReply, true)
            startShell()
        case let request as SSHChannelRequestEvent.ExecRequest:
            guard mode == .waiting else { return reply(request.wantReply, false) }
            reply(request.wantReply, true)
            startExec(request.command)
        case let request as SSHChannelRequestEvent.WindowChangeRequest:
            guard request.terminalCharacterWidth > 0 else { return }
            let columns = min(request.terminalCharacterWidth, 1_000)
            pty?.columns = columns
            if var editor {
                write(editor.resize(columns: columns))
                self.editor = editor
            }
        case let request as SSHChannelRequestEvent.SubsystemRequest:
            writeError("manhole: subsystem '\(Quoting.oneLine(request.subsystem))' is not served: this is the manhole's command shell\n")
            reply(request.wantReply, false)
        case let event as ChannelEvent where event == .inputClosed:
            inputClosed = true
            inputEnded()
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// Notices that waited while the channel took no more go out once it does again (without
    /// this they waited for the next notice to wake the queue).
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, mode != .waiting { session.writeNotices() }
        context.fireChannelWritabilityChanged()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        guard case .byteBuffer(var buffer) = message.data, message.type == .channel else { return }
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        session.noteInput()
        switch mode {
        case .interactive: typed(bytes)
        case .script: readScript(bytes)
        case .waiting, .exec: break
        }
    }

    /// Answers a channel request that wants a reply.
    func reply(_ wantReply: Bool, _ success: Bool) {
        guard wantReply, let context else { return }
        context.triggerUserOutboundEvent(success ? ChannelSuccessEvent() : ChannelFailureEvent() as any Sendable, promise: nil)
    }

    /// Writes bytes on standard output.
    func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty, let context, context.channel.isActive else { return }
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        context.writeAndFlush(wrapOutboundOut(SSHOutput.stdOut(buffer)), promise: nil)
    }

    /// Writes text on standard output (made safe; CRLF with a pty).
    func writeText(_ text: String) {
        write(Array(SSHOutput.terminalText(text, pty: pty != nil).utf8))
    }

    /// Writes text on standard error (made safe; CRLF with a pty).
    func writeError(_ text: String) {
        guard let context, context.channel.isActive else { return }
        let safe = SSHOutput.terminalText(text, pty: pty != nil)
        var buffer = context.channel.allocator.buffer(capacity: safe.utf8.count)
        buffer.writeString(safe)
        context.writeAndFlush(wrapOutboundOut(SSHOutput.stdErr(buffer)), promise: nil)
    }

    /// Sends the exit status and closes the channel. The client then ends the connection (it
    /// would report a broken pipe if the server closed it first); one that does not is closed a
    /// few seconds later.
    func exit(status: Int) {
        guard !finished, let context else { return }
        finished = true
        context.triggerUserOutboundEvent(SSHChannelRequestEvent.ExitStatus(exitStatus: status), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(SSHOutput.stdOut(channel.allocator.buffer(capacity: 0)))).whenComplete { [connection] _ in
            channel.close(promise: nil)
            let parent = connection.channel
            parent.eventLoop.scheduleTask(in: .seconds(5)) { parent.close(promise: nil) }
        }
    }
}
