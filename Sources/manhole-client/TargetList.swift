#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One manhole of a fan-out: a host (an IPv4 or IPv6 literal or a DNS name) and a TCP port,
/// parsed strictly from `HOST:PORT` (`[::1]:5022` for IPv6), so that what prefixes every line of
/// output is plain text a terminal cannot act on.
struct FanOutTarget: Hashable, Sendable, CustomStringConvertible {
    /// The host as `getaddrinfo` takes it (an IPv6 literal without its brackets).
    let host: String
    /// The TCP port, 1...65535.
    let port: Int

    /// Why a `HOST:PORT` was refused.
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// `HOST:PORT`, brackets around an IPv6 host: how output and messages name the target.
    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Parses `HOST:PORT`.
    /// - Throws: ``Malformed`` saying what is wrong (no port, a port out of range, a host that is
    ///   neither an address nor a DNS name).
    init(parsing text: some StringProtocol) throws(Malformed) {
        let text = String(text)
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw Malformed(description: "\"\(Self.quoted(text))\": an IPv6 address needs its closing ]")
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else {
                throw Malformed(description: "\"\(Self.quoted(text))\": expected :PORT after ]")
            }
            portPart = rest.dropFirst()
            guard Self.isAddress(hostPart, family: AF_INET6) else {
                throw Malformed(description: "\"\(Self.quoted(text))\": \"\(Self.quoted(hostPart))\" is not an IPv6 address")
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw Malformed(description: "\"\(Self.quoted(text))\": expected HOST:PORT")
            }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            guard !hostPart.contains(":") else {
                throw Malformed(description: "\"\(Self.quoted(text))\": write an IPv6 host in brackets, as [::1]:5022")
            }
            guard Self.isHostName(hostPart) else {
                throw Malformed(description: "\"\(Self.quoted(text))\": \"\(Self.quoted(hostPart))\" is not a host name or IPv4 address")
            }
        }
        guard let port = Self.port(portPart) else {
            throw Malformed(description: "\"\(Self.quoted(text))\": the port must be a number from 1 to 65535")
        }
        // DNS names and IPv6 hex digits ignore case: one spelling, so duplicates collapse.
        self.host = hostPart.lowercased()
        self.port = port
    }

    /// The port in `text`: 1 to 5 ASCII digits, no sign or leading zero, 1...65535; checked
    /// digit by digit before any conversion, so no input can overflow.
    static func port(_ text: Substring) -> Int? {
        let digits = text.utf8
        guard (1...5).contains(digits.count), digits.first != UInt8(ascii: "0"),
            digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        let value = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        return (1...65_535).contains(value) ? value : nil
    }

    /// Whether `text` is an IPv4 literal (every octet checked by `inet_pton`) or a DNS name:
    /// labels of ASCII letters, digits and hyphens, 1 to 63 characters each, not starting or
    /// ending with a hyphen, 253 characters at most in all. All digits and dots means IPv4.
    static func isHostName(_ text: Substring) -> Bool {
        guard (1...253).contains(text.utf8.count) else { return false }
        if text.allSatisfy({ $0 == "." || ($0.isASCII && $0.isNumber) }) { return isAddress(text, family: AF_INET) }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.utf8.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0 == "-" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
        }
    }

    /// Whether `text` is an address of `family` as `inet_pton` reads it (no IPv6 zone).
    static func isAddress(_ text: Substring, family: Int32) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 45 else { return false }
        var buffer = [UInt8](repeating: 0, count: 16)
        return inet_pton(family, String(text), &buffer) == 1
    }

    /// `text` cut to 80 characters with control characters made visible, for messages.
    private static func quoted(_ text: some StringProtocol) -> String {
        TerminalText.visible(String(text.prefix(80)))
    }
}

/// The targets of a fan-out, from `--target` options and `--targets` files: in the order given,
/// duplicates collapsed, at most ``maximumCount``.
enum TargetList {
    /// The most targets one run fans out to: each gets a thread and a connection.
    static let maximumCount = 64

    /// A line of a `--targets` file that is not `HOST:PORT`.
    struct BadLine: Error, CustomStringConvertible {
        /// The file, as given.
        let path: String
        /// The line's number, from 1; 0 when the file could not be read.
        let line: Int
        /// What is wrong.
        let reason: String

        var description: String {
            let path = TerminalText.visible(path)
            return line == 0 ? "\(path): \(reason)" : "\(path):\(line): \(reason)"
        }
    }

    /// The targets in a file's text: one `HOST:PORT` a line, surrounding whitespace trimmed,
    /// blank lines and lines starting with `#` skipped.
    /// - Throws: ``BadLine`` for the first line that is not a target.
    static func parse(file text: String, path: String) throws(BadLine) -> [FanOutTarget] {
        var targets: [FanOutTarget] = []
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let line = raw.trimmingWhitespace
            if line.isEmpty || line.hasPrefix("#") { continue }
            do {
                targets.append(try FanOutTarget(parsing: line))
            } catch {
                throw BadLine(path: path, line: index + 1, reason: error.description)
            }
        }
        return targets
    }

    /// Reads and parses a `--targets` file (1 MiB at most: a list of 64 targets is far smaller).
    static func load(path: String) throws(BadLine) -> [FanOutTarget] {
        guard let file = fopen(path, "r") else {
            throw BadLine(path: path, line: 0, reason: "cannot read: \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        let limit = 1 << 20
        var bytes = [UInt8](repeating: 0, count: limit + 1)
        let count = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        guard ferror(file) == 0 else { throw BadLine(path: path, line: 0, reason: "cannot read the file") }
        guard count <= limit else { throw BadLine(path: path, line: 0, reason: "larger than 1 MiB") }
        return try parse(file: String(decoding: bytes[..<count], as: UTF8.self), path: path)
    }

    /// `targets` in their first order with later duplicates (same host text and port) dropped.
    static func collapsingDuplicates(_ targets: [FanOutTarget]) -> [FanOutTarget] {
        var seen = Set<FanOutTarget>()
        return targets.filter { seen.insert($0).inserted }
    }
}
