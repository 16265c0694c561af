import CLibEdit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two streams the client writes to: replies on standard output, errors and notices on
/// standard error. A protocol so the printer can be tested without a terminal.
protocol OutputSink: AnyObject {
    /// Writes to standard output.
    func output(_ text: String)
    /// Writes to standard error.
    func error(_ text: String)
}

/// The process's real standard output and error, written with `write(2)` at once (no stdio
/// buffer to lose on exit, nothing interleaved out of order with libedit's own writes).
final class StandardStreams: OutputSink {
    /// Creates the sink.
    init() {}

    func output(_ text: String) { Self.put(text, to: 1) }
    func error(_ text: String) { Self.put(text, to: 2) }

    private static func put(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }
}

/// Whether a file descriptor is a terminal, and how wide it is.
enum Terminal {
    /// The columns `text` takes when libedit draws it (see `manhole_visual_width`).
    static func columns(_ text: some StringProtocol) -> Int {
        text.unicodeScalars.reduce(0) { $0 + max(0, Int(manhole_visual_width(wchar_t($1.value)))) }
    }

    /// Whether `descriptor` is a terminal.
    static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    /// Whether to colour what goes to `descriptor`: only on a terminal, not with `--no-color`,
    /// `NO_COLOR` set, or `TERM=dumb`.
    static func wantsColor(_ descriptor: Int32, disabled: Bool, environment: [String: String]) -> Bool {
        guard !disabled, environment["NO_COLOR"] == nil, environment["TERM"] != "dumb" else { return false }
        return isTerminal(descriptor)
    }

    /// The width of the terminal on standard output, 80 if unknown.
    static func width() -> Int {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
