import ManholeWire

/// Why a path could not be followed: which segment failed, what it reached, and the closest
/// names that do exist.
///
/// Every case carries the path up to the failing segment (`at`), the type found there and the
/// character `offset` of the failing segment, so a shell can point at it.
package enum PathError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The path is not well-formed.
    case syntax(path: String, offset: Int, message: String)
    /// No entry has this name.
    case unknownEntry(name: String, suggestions: [String])
    /// The value reached has no field, element or payload with this name.
    case noSuchMember(member: String, at: String, typeName: String, offset: Int, suggestions: [String])
    /// The index is past the end of the collection reached.
    case indexOutOfRange(index: Int, count: Int, at: String, typeName: String, offset: Int)
    /// The dictionary reached has no such key.
    case noSuchKey(key: String, at: String, typeName: String, offset: Int, suggestions: [String])
    /// The value reached cannot be subscripted (it is not a collection, dictionary, set or tuple).
    case notSubscriptable(segment: String, at: String, typeName: String, offset: Int)
    /// The value reached is `nil`, so the next segment has nothing to read.
    case nilValue(segment: String, at: String, typeName: String, offset: Int)
    /// Following the segment needed a scan (of `noun`: keys, members, elements) that ran out of
    /// its ``WorkLimit`` after `scanned` of `total` (when known).
    case workLimitReached(at: String, typeName: String, offset: Int, scanned: Int, total: Int?, noun: String)

    /// Where in the path the failing part starts, in characters from 0.
    package var offset: Int {
        switch self {
        case .syntax(_, let offset, _): offset
        case .unknownEntry: 0
        case .noSuchMember(_, _, _, let offset, _), .indexOutOfRange(_, _, _, _, let offset),
            .noSuchKey(_, _, _, let offset, _), .notSubscriptable(_, _, _, let offset), .nilValue(_, _, _, let offset),
            .workLimitReached(_, _, let offset, _, _, _):
            offset
        }
    }

    /// The closest existing names, best first (at most three).
    package var suggestions: [String] {
        switch self {
        case .unknownEntry(_, let suggestions), .noSuchMember(_, _, _, _, let suggestions),
            .noSuchKey(_, _, _, _, let suggestions):
            suggestions
        default: []
        }
    }

    /// One line for the shell, its terminal controls escaped (``Quoting/terminalSafe(_:)``).
    package var description: String {
        Quoting.terminalSafe(message)
    }

    private var message: String {
        switch self {
        case .syntax(let path, let offset, let message):
            return "syntax error in \(path) at column \(offset + 1): \(message)"
        case .unknownEntry(let name, let suggestions):
            return "no entry named \"\(name)\"" + Self.didYouMean(suggestions)
        case .noSuchMember(let member, let at, let typeName, _, let suggestions):
            return "\(at) (\(typeName)) has no member \"\(member)\"" + Self.didYouMean(suggestions)
        case .indexOutOfRange(let index, let count, let at, let typeName, _):
            return "index \(index) is out of range: \(at) (\(typeName)) has \(count) element\(count == 1 ? "" : "s")"
        case .noSuchKey(let key, let at, let typeName, _, let suggestions):
            return "\(at) (\(typeName)) has no key \(key)" + Self.didYouMean(suggestions)
        case .notSubscriptable(let segment, let at, let typeName, _):
            return "\(at) (\(typeName)) cannot be subscripted with \(segment)"
        case .nilValue(let segment, let at, let typeName, _):
            return "\(at) (\(typeName)) is nil; cannot read \(segment)"
        case .workLimitReached(let at, let typeName, _, let scanned, let total, let noun):
            let of = total.map { " of \($0)" } ?? ""
            return "lookup in \(at) (\(typeName)) stopped after scanning \(scanned)\(of) \(noun) (work limit); "
                + "use an index or a narrower path"
        }
    }

    private static func didYouMean(_ suggestions: [String]) -> String {
        suggestions.isEmpty ? "" : "; did you mean \(suggestions.joined(separator: ", "))?"
    }
}
