public import InMemoryLogging

extension InMemoryLogHandler.Entry {
    /// `level message key=value…`, keys sorted: one line a test can match with `hasPrefix` and
    /// `contains`, whatever order the metadata was logged in.
    public var line: String {
        let fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(level) \(message) \(fields)"
    }
}
