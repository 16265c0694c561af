/// The closest names to a misspelt one, by Levenshtein distance: for paths here, and for
/// command names in the shell (`package`), so both suggest alike.
package enum Suggestions {
    /// Names longer than this (in Unicode scalars) get no suggestions: comparing them costs too
    /// much for what a suggestion is worth.
    static let maxNameLength = 256

    /// Up to `limit` candidates close to `name`, closest first (ties by name): those within an edit
    /// distance of about half the name's length, or that start with `name`.
    package static func closest(to name: String, among candidates: some Sequence<String>, limit: Int = 3) -> [String] {
        closest(to: name, among: candidates, limit: limit, budget: .unlimited)
    }

    /// ``closest(to:among:limit:)``, each comparison charged to `budget` (by the size of its
    /// table); when it runs out, the best found so far.
    static func closest(
        to name: String, among candidates: some Sequence<String>, limit: Int = 3, budget: WorkBudget
    ) -> [String] {
        guard name.utf8.count <= 4 * maxNameLength else { return [] }
        let target = Array(name.unicodeScalars)
        guard target.count <= maxNameLength else { return [] }
        let threshold = max(2, target.count / 2)
        var ranked: [(distance: Int, name: String)] = []
        var seen: Set<String> = []
        for candidate in candidates where candidate != name {
            // A candidate of more than 4 bytes per scalar of the widest allowed length is too far.
            let bytes = candidate.utf8.count
            if bytes > 4 * (target.count + threshold) {
                guard budget.spend() else { break }
                if !name.isEmpty, candidate.hasPrefix(name), seen.insert(candidate).inserted {
                    ranked.append((threshold + 1, candidate))
                }
                continue
            }
            guard seen.insert(candidate).inserted else { continue }
            guard budget.spend(1 + target.count * min(bytes, target.count + threshold) / 64) else { break }
            let distance = levenshtein(target, Array(candidate.unicodeScalars), bound: threshold)
            if distance <= threshold {
                ranked.append((distance, candidate))
            } else if !name.isEmpty, candidate.hasPrefix(name) {
                ranked.append((threshold + 1, candidate))
            }
        }
        ranked.sort { ($0.distance, $0.name) < ($1.distance, $1.name) }
        return ranked.prefix(max(0, limit)).map(\.name)
    }

    /// The edit distance between `a` and `b`, or `bound + 1` as soon as it must exceed `bound`.
    static func levenshtein(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], bound: Int = .max) -> Int {
        if abs(a.count - b.count) > bound { return bound == .max ? .max : bound + 1 }
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
                rowMinimum = min(rowMinimum, current[j])
            }
            if rowMinimum > bound { return bound + 1 }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
