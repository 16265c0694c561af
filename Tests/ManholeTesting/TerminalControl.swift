/// Whether `text` holds a scalar a terminal may act on, other than newline and tab: C0 and C1
/// controls, DEL, and the bidirectional marks and overrides that reorder what is shown. Tests
/// of every output an operator sees check it against hostile host data.
public func holdsTerminalControl(_ text: String) -> Bool {
    text.unicodeScalars.contains { scalar in
        scalar != "\n" && scalar != "\t"
            && (scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || [0x061C, 0x200E, 0x200F].contains(scalar.value)
                || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value))
    }
}
