package import NIOCore
package import Reactor

extension Inspector {
    /// The completions of a partial path, sorted: entry names for a bare word, child names after
    /// `.`, indexes of short collections and keys of dictionaries after `[`. Each candidate is
    /// the whole path, ready to replace the word being completed.
    ///
    /// The value under completion is read in its entry's context, like ``inspect(_:options:)``;
    /// at most ``Configuration/completionScanLimit`` names are looked at (fewer when the work limit
    /// of ``Configuration/renderOptions`` runs out first) and ``Configuration/maxCompletions``
    /// returned. A partial path that does not resolve has no completions. The future completes on
    /// `call`'s delivery loop (see ``inspect(_:options:via:)``), the reactor's without one.
    package func complete(_ partial: String, via call: ReactorCall? = nil) -> EventLoopFuture<[String]> {
        let loop = call?.deliveryLoop ?? reactor.eventLoop
        let limit = configuration.maxCompletions
        guard let split = Completion.split(partial) else {
            return loop.makeSucceededFuture(Array(names.filter { $0.hasPrefix(partial) }.prefix(limit)))
        }
        let configuration = self.configuration
        return resolving(split.base, via: call) { value, _, budget in
            Completion.candidates(of: Reflected(value), split: split, configuration: configuration, budget: budget)
        }.flatMapErrorThrowing { error in
            if error is PathError { return [] }
            throw error
        }
    }
}

/// Splitting a partial path and listing the candidates for its last segment.
enum Completion {
    struct Split: Sendable {
        /// The path before the segment being completed.
        var base: String
        /// `.` or `[`.
        var separator: Character
        /// What has been typed of the segment.
        var prefix: String
    }

    /// Splits `partial` at its last `.` or `[` outside quotes; `nil` when it is a bare entry name.
    static func split(_ partial: String) -> Split? {
        var inQuotes = false
        var escaped = false
        var last: String.Index?
        for index in partial.indices {
            let character = partial[index]
            if inQuotes {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inQuotes = false }
                continue
            }
            switch character {
            case "\"": inQuotes = true
            case ".", "[": last = index
            default: break
            }
        }
        guard let last else { return nil }
        return Split(
            base: String(partial[..<last]), separator: partial[last],
            prefix: String(partial[partial.index(after: last)...]))
    }

    static func candidates(
        of value: Reflected, split: Split, configuration: Inspector.Configuration, budget: WorkBudget = .unlimited
    ) -> [String] {
        let limit = configuration.maxCompletions
        if split.separator == "." {
            guard !split.prefix.contains("]") else { return [] }
            var names: [String] = []
            var visited = 0
            if !value.isContainer {
                let index = PrefixMatcher("["), typed = PrefixMatcher(split.prefix)
                value.forEachChildLabel { label in
                    guard budget.spend() else { return false }
                    if !index.matches(label), typed.matches(label) { names.append(label) }
                    visited += 1
                    return visited < configuration.completionScanLimit
                }
            }
            if let caseName = value.caseName, value.enumPayload != nil, caseName.hasPrefix(split.prefix) {
                names.append(caseName)
            }
            if value.hasCountMember, "count".hasPrefix(split.prefix) { names.append("count") }
            return Array(Set(names).sorted().prefix(limit)).map { split.base + "." + $0 }
        }
        switch value.shape {
        case .collection, .set, .tuple:
            guard let count = value.knownCount, count <= configuration.maxIndexCompletions else { return [] }
            return (0..<count).map(String.init).filter { $0.hasPrefix(split.prefix) }.prefix(limit)
                .map { split.base + "[" + $0 + "]" }
        case .dictionary:
            guard let dictionary = value.value as? any DictionaryReflecting else { return [] }
            // The scan leaves a quarter of the budget to sort what it found.
            let matches = dictionary.reflectedKeyTexts(
                withPrefix: split.prefix, limit: configuration.completionScanLimit, budget: budget.share(0.75))
            return Array(matches.sorted().prefix(limit)).map { split.base + "[" + $0 + "]" }
        default:
            return []
        }
    }
}
