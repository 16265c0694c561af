import ArgumentParser
import Logging
import Manhole
import ManholeSSH

/// The demo's SSH listener (`--ssh-port`): the same shell for stock `ssh`.
enum SSHDemo {
    /// Starts the listener, or logs why it cannot and exits with status 1.
    static func start(
        on manhole: Manhole, port: Int, hostKey: String?, authorizedKeys: [String: String], logger: Logger
    ) throws -> SSHListener {
        do {
            return try manhole.startSSH(SSHConfiguration(port: port, hostKeyPath: hostKey, authorizedKeysFiles: authorizedKeys))
        } catch {
            logger.error("cannot start the SSH listener", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
    }
}
