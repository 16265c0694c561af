/// Path resolution, completion and rendering on the calling thread, over values the caller
/// holds rather than registered entries: for the path fuzzer and tools in this package. The
/// caller must be allowed to read the values.
package enum SynchronousInspection {
    /// The value at `path`, starting from `roots[path.entry]`.
    package static func resolve(
        _ path: InspectorPath, in roots: [String: Any], sortLimit: Int = 10_000, workLimit: WorkLimit
    ) throws(PathError) -> Any {
        guard let root = roots[path.entry] else {
            throw .unknownEntry(name: path.entry, suggestions: Suggestions.closest(to: path.entry, among: roots.keys.sorted()))
        }
        return try PathResolver.resolve(root, path: path, sortLimit: sortLimit, budget: WorkBudget(workLimit))
    }

    /// The completions of `partial`, as ``Inspector/complete(_:)`` gives them.
    package static func completions(
        of partial: String, in roots: [String: Any], configuration: Inspector.Configuration
    ) -> [String] {
        guard let split = Completion.split(partial) else {
            return Array(roots.keys.sorted().filter { $0.hasPrefix(partial) }.prefix(configuration.maxCompletions))
        }
        let options = configuration.renderOptions
        guard let base = try? InspectorPath(parsing: split.base), let root = roots[base.entry] else { return [] }
        let budget = WorkBudget(options.workLimit)
        guard let value = try? PathResolver.resolve(root, path: base, sortLimit: options.maxSortedEntries, budget: budget)
        else { return [] }
        return Completion.candidates(of: Reflected(value), split: split, configuration: configuration, budget: budget)
    }
}
