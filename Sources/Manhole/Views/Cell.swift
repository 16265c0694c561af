import Foundation
import Reactor

/// One value in an operator table. What it holds decides both its text and its JSON value, so
/// every view shows a duration, a size or a missing figure the same way.
package enum Cell: Sendable, Hashable {
    /// Text, shown and encoded as is.
    case text(String)
    /// A count or an id: digits on the terminal, a JSON number.
    case number(Int)
    /// A duration: `3m 12s` on the terminal (``DurationFormat``), seconds as a JSON number.
    case duration(Duration)
    /// A size: `12.3 MiB` on the terminal (``ByteSize``), bytes as a JSON number.
    case bytes(Int)
    /// Yes or no: `yes`/`no` on the terminal, a JSON boolean.
    case flag(Bool)
    /// A measured value that may have a fraction (a gauge's level): up to 6 significant digits
    /// on the terminal (a whole number without a point), a JSON number (a string for NaN and
    /// the infinities, which JSON has no number for).
    case decimal(Double)
    /// A share of a whole (0…1): `12.5%` on the terminal, the fraction as a JSON number.
    case share(Double)
    /// No value (unknown, or nothing to show): `-` on the terminal, JSON `null`.
    case missing

    /// A cell holding `value`, or ``missing`` when it is `nil`.
    package static func text(_ value: String?) -> Cell { value.map(Cell.text) ?? .missing }

    /// The text the terminal shows.
    package var text: String {
        switch self {
        case .text(let text): text
        case .number(let number): "\(number)"
        case .duration(let duration): DurationFormat.string(duration)
        case .bytes(let count): ByteSize.string(count)
        case .flag(let flag): flag ? "yes" : "no"
        case .decimal(let value): Self.decimalText(value)
        case .share(let share): "\((share * 1_000).rounded() / 10)%"
        case .missing: "-"
        }
    }

    /// `12`, `0.25`, `1.23457e+09`, `nan`: whole numbers exactly (while a `Double` holds them
    /// so), the others to 6 significant digits.
    static func decimalText(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 1e15 { return "\(Int64(value))" }
        return String(format: "%.6g", value)
    }

    /// The duration in seconds, as JSON carries it.
    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

extension Cell: Encodable {
    /// The JSON value: a string, a number (seconds for a duration, bytes for a size), a boolean or `null`.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .number(let number), .bytes(let number): try container.encode(number)
        case .duration(let duration): try container.encode(Self.seconds(duration))
        case .flag(let flag): try container.encode(flag)
        case .decimal(let value):
            if value.isFinite { try container.encode(value) } else { try container.encode(Self.decimalText(value)) }
        case .share(let share): try container.encode((share * 10_000).rounded() / 10_000)
        case .missing: try container.encodeNil()
        }
    }
}
