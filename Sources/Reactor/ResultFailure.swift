package import NIOCore

/// Why a result failed, with the context needed to find the code responsible: the original error,
/// and (in ``description``) where the work was submitted, when, and on which thread it failed.
public struct ResultFailure: Sendable, CustomStringConvertible {
    /// The error the body threw (or ``ReactorError/stopped`` when the reactor stopped first).
    public var error: any Error
    /// Where the work was submitted.
    package var callSite: CallSite
    /// When the work was submitted, on the reactor's clock.
    package var submittedAt: NIODeadline
    /// When it failed, on the reactor's clock.
    package var failedAt: NIODeadline
    /// The name of the thread the failure was recorded on (the reactor thread for a throwing body).
    package var threadName: String

    /// A multi-line report: the error (as `String(reflecting:)` shows it), its type, the call site,
    /// how long after submission it failed, and the thread.
    public var description: String {
        let elapsed = Duration(failedAt - submittedAt)
        return """
            \(String(reflecting: error))
              error type: \(String(reflecting: type(of: error)))
              submitted at: \(callSite) in \(callSite.function)
              failed after: \(elapsed) on thread \(threadName)
            """
    }
}
