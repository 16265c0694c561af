import ManholeWire
import NIOCore
import NIOSSH

/// What the server writes on a session channel: reply text made safe for a terminal, with CRLF
/// line ends when a pty is attached (the client's terminal is raw then, it translates nothing).
enum SSHOutput {
    /// `text` on the channel's standard output.
    static func stdOut(_ buffer: ByteBuffer) -> SSHChannelData { SSHChannelData(type: .channel, data: .byteBuffer(buffer)) }

    /// `text` on the channel's standard error.
    static func stdErr(_ buffer: ByteBuffer) -> SSHChannelData { SSHChannelData(type: .stdErr, data: .byteBuffer(buffer)) }

    /// `text` with its control characters escaped (newlines and tabs kept), newlines as CRLF for a pty.
    static func terminalText(_ text: String, pty: Bool) -> String {
        let safe = Quoting.terminalSafe(text)
        return pty ? safe.replacingOccurrences(of: "\n", with: "\r\n") : safe
    }
}
