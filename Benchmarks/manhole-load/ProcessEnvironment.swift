import Foundation

/// What the tool reads from its environment.
enum ProcessEnvironment {
    /// `MANHOLE_PASSWORD`, if set and not empty.
    static var password: String? {
        guard let value = ProcessInfo.processInfo.environment["MANHOLE_PASSWORD"], !value.isEmpty else { return nil }
        return value
    }

    /// Writes `line` and a newline to standard output at once, unbuffered (the parent process
    /// reads these lines as they come).
    static func emit(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            written += count
        }
    }
}
