import ManholeWire
import Inspector

/// How the shell's frames are made: error replies in the request's format, payloads cut to the
/// reply limit, and every payload made safe for a terminal before it leaves.
enum ShellFrames {
    /// An `ERR` frame saying `message`: text, or `{"error": …}` when JSON was asked for.
    static func error(_ message: String, sequence: Int, format: Frame.Format) -> Frame {
        let payload = format == .json ? Reply.encode(["error": message]) : message + "\n"
        return Frame(.error, sequence: sequence, format: format, payload: payload)
    }

    /// Cuts a payload to `limit` bytes, with a marker saying so (a JSON payload becomes an
    /// error object instead, since a cut document would not parse).
    static func bounded(_ payload: String, json: Bool, limit: Int) -> String {
        let size = payload.utf8.count
        guard size > limit else { return payload }
        if json { return Reply.encode(["error": "reply of \(size) bytes exceeds the limit of \(limit) bytes"]) }
        var cut = payload.utf8.prefix(limit)
        while String(cut) == nil { cut = cut.dropLast() }
        return String(cut)! + "\n… output truncated: \(cut.count) of \(size) bytes shown\n"
    }

    /// The frame as it goes on the wire, with every control a terminal could act on escaped
    /// (C0 but newline and tab, DEL, C1, bidirectional controls): echoed input, host data in
    /// errors and goodbyes cannot drive the operator's terminal (``Quoting/terminalSafe(_:)``);
    /// a JSON payload gets the same characters as `\uXXXX` escapes (``JSONTerminalSafety``).
    static func wireText(_ frame: Frame) -> String {
        var frame = frame
        switch frame.format {
        case .text: frame.payload = Quoting.terminalSafe(frame.payload)
        case .json: frame.payload = JSONTerminalSafety.escaped(frame.payload)
        }
        return frame.encoded
    }
}
