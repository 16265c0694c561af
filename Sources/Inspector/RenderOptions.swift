/// The budgets that bound one rendering, so that a huge or cyclic graph renders in bounded time
/// and fits in one shell reply.
///
/// Written in one initializer, every budget with a default; ``Inspector/Configuration`` holds the
/// inspector-wide defaults and each call to ``Inspector/inspect(_:options:)-(_,_)->EventLoopFuture<Rendering>`` may pass its own.
/// Hitting any budget leaves a visible marker in the output; nothing beyond a budget is read, so
/// the cost of a rendering depends on the budgets, not on the size of the value.
public struct RenderOptions: Sendable, Hashable, Codable {
    /// How many levels below the rendered value are expanded (the value itself is level 0).
    /// Default 2: the value, its children and its grandchildren.
    package var maxDepth: Int
    /// How many children of one node are shown; the rest are counted in an "… N more" line. Default 20.
    package var maxChildren: Int
    /// How many nodes one rendering shows in all. Default 1,000.
    package var maxNodes: Int
    /// Roughly how many bytes of plain text one rendering may produce. Default 64 KiB.
    package var maxBytes: Int
    /// How many characters of a string, or of any other one-line summary, are shown. Default 80.
    package var maxStringLength: Int
    /// Dictionaries and sets up to this size are shown in key order (when their keys are
    /// `Comparable`); larger ones show their first entries in storage order, with a note,
    /// because ordering them would cost more than a page is worth. Default 10,000.
    package var maxSortedEntries: Int
    /// How much work one operation may do on the reading thread: resolving the path, sorting
    /// pages, rendering, completing. Default 5 ms (see ``WorkLimit``).
    package var workLimit: WorkLimit

    /// Creates render options; every budget has a default.
    /// - Parameters:
    ///   - maxDepth: Levels expanded below the rendered value.
    ///   - maxChildren: Children shown per node.
    ///   - maxNodes: Nodes shown in all.
    ///   - maxBytes: Approximate bytes of plain text in all.
    ///   - maxStringLength: Characters shown of a string or summary.
    ///   - maxSortedEntries: The largest dictionary or set shown in key order.
    ///   - workLimit: How long one operation may run on the reading thread. Default 5 ms.
    public init(
        maxDepth: Int = 2,
        maxChildren: Int = 20,
        maxNodes: Int = 1_000,
        maxBytes: Int = 64 * 1024,
        maxStringLength: Int = 80,
        maxSortedEntries: Int = 10_000,
        workLimit: Duration = .milliseconds(5)
    ) {
        self.maxDepth = max(0, maxDepth)
        self.maxChildren = max(0, maxChildren)
        self.maxNodes = max(1, maxNodes)
        self.maxBytes = max(1, maxBytes)
        self.maxStringLength = max(1, maxStringLength)
        self.maxSortedEntries = max(0, maxSortedEntries)
        self.workLimit = WorkLimit(time: workLimit)
    }

    /// These options with a full ``WorkLimit``: a step count (the same on every machine, as
    /// tests and fuzzers need) or none at all.
    package func withWorkLimit(_ workLimit: WorkLimit) -> RenderOptions {
        var options = self
        options.workLimit = workLimit
        return options
    }
}
