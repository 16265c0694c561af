import Foundation
import ManholeTesting

/// A shell command line that runs the client, then prints its exit status (the pane remains
/// on exit, so it can still be read).
func interactiveClientCommand(port: Int, user: String = "admin") throws -> String {
    let client = try clientExecutable().path
    return "'\(client)' -p \(port) -u \(user) \(allowWeakServerParameters); echo \"CLIENT-EXITED $?\""
}
