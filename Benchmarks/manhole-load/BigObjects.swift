/// Huge values a careless host might register, for the expensive workload: every one of them
/// has a million elements, so any command whose work grows with the collection shows.
enum BigObjects {
    /// The objects by name: `big` ([String: Int]), `bigset` (Set<Int>), `bigarray` ([Int]),
    /// `bigints` ([Int: String]).
    static func namespace() -> [String: any Sendable] {
        let count = 1_000_000
        var big: [String: Int] = [:]
        big.reserveCapacity(count)
        var bigints: [Int: String] = [:]
        bigints.reserveCapacity(count)
        for index in 0..<count {
            big["key-\(index)"] = index
            bigints[index] = "value-\(index)"
        }
        return ["big": big, "bigset": Set(0..<count), "bigarray": Array(0..<count), "bigints": bigints]
    }
}
