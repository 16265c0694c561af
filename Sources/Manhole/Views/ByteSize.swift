/// Sizes for operator views, in binary units: `512 B`, `1.5 KiB`, `12.3 MiB`, `1.1 GiB`.
package enum ByteSize {
    /// `count` bytes, one decimal past the first unit.
    package static func string(_ count: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        guard count >= 1024 else { return "\(count) B" }
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}
