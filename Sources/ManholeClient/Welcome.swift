/// Who the server says a session is, from its `WELCOME` frame: `user=admin role=admin session=7`.
public struct Welcome: Sendable, Hashable, CustomStringConvertible {
    /// The welcome line as the server sent it, without the server's signature.
    public let line: String

    /// Parses the `key=value` fields of `line`; fields it does not know are kept in ``line``.
    public init(line: String) {
        self.line = line
        var fields: [Substring: Substring] = [:]
        for field in line.split(separator: " ") {
            guard let equals = field.firstIndex(of: "=") else { continue }
            fields[field[..<equals]] = field[field.index(after: equals)...]
        }
        self.fields = fields
    }

    private let fields: [Substring: Substring]

    /// The user name the session logged in as, if the server said.
    public var user: String? { fields["user"].map(String.init) }
    /// The role the server granted (`admin` or `read-only`), if it said.
    public var role: String? { fields["role"].map(String.init) }
    /// The session's id, as `sessions` and `kick` show it, if the server said.
    public var session: Int? { fields["session"].flatMap { Int($0) } }

    /// The welcome line.
    public var description: String { line }
}
