import ManholeWire

/// What pressing Tab does to the line, worked out from the text before the cursor and the
/// server's candidates (`complete PARTIAL-LINE`; each candidate replaces the last word). Pure:
/// the line editor applies it.
enum Completion: Equatable, Sendable {
    /// Nothing to complete (no candidate, or nothing new): the editor beeps.
    case none
    /// Replace the last `deleting` characters (the partial word) with `inserting`.
    case replace(deleting: Int, inserting: String)
    /// Several candidates and nothing more in common: show them.
    case list([String])
    /// The connection was lost while asking the server: end the prompt.
    case connectionLost

    /// Plans a completion with the rules both line editors share (`CompletionPlan`, ManholeWire); libedit
    /// deletes in wide characters, so the partial word is counted in scalars.
    static func plan(lineBeforeCursor: String, candidates: [String]) -> Completion {
        switch CompletionPlan.plan(lineBeforeCursor: lineBeforeCursor, candidates: candidates) {
        case .none: .none
        case .replace(let partial, let inserting): .replace(deleting: partial.unicodeScalars.count, inserting: inserting)
        case .list(let names): .list(names)
        }
    }
}
