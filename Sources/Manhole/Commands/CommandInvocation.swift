package import ManholeWire
package import Reactor

/// One run of a command, as a host command handler sees it.
public struct CommandInvocation: Sendable {
    /// The command name as typed.
    package var name: String
    /// The words after the name (quotes removed).
    public var arguments: [String]
    /// The text after the name, as typed.
    public var argumentText: String
    /// The logged-in user.
    public var user: String
    /// The user's role.
    public var role: Role
    /// The session's id.
    public var sessionID: Int
    /// The format the reply was asked in (`@json`): a watch's notices take it.
    package var format: Frame.Format = .text
    /// The session's interrupt of this run: calls off the work it handed to the reactor.
    package var interruption: CallInterruption?
}
