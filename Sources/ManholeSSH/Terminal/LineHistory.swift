/// The lines submitted so far, oldest first, at most `limit` of them: a ring, so that dropping
/// the oldest line costs nothing however long the history.
struct LineHistory: Sendable {
    private var ring: [String] = []
    private var oldest = 0
    /// The most lines kept.
    let limit: Int

    init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// How many lines there are.
    var count: Int { ring.count }

    /// The line at `index`, 0 being the oldest.
    subscript(index: Int) -> String { ring[(oldest + index) % ring.count] }

    /// Adds a submitted line, except an empty one or a repeat of the newest (as a shell's
    /// `ignoredups`), dropping the oldest once full.
    mutating func add(_ line: String) {
        guard limit > 0, !line.isEmpty, count == 0 || self[count - 1] != line else { return }
        if ring.count < limit {
            ring.append(line)
        } else {
            ring[oldest] = line
            oldest = (oldest + 1) % limit
        }
    }
}
