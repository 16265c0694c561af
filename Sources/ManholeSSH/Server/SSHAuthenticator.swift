import Logging
import Manhole
import NIOCore
import NIOSSH

/// The user-authentication delegate of one SSH connection: a password is checked against the
/// manhole's accounts (the same stored keys as native logins, PBKDF2 on a small pool, after
/// the same throttle's delay); a public key against the user's authorized keys (swift-nio-ssh
/// has already checked the signature). Either way the session table must still have room for
/// the user (the native limits), else the login fails.
final class SSHAuthenticator: NIOSSHServerUserAuthenticationDelegate, @unchecked Sendable {
    private let connection: SSHConnection
    private let passwords: SSHPasswordChecker
    private let authorizedKeys: AuthorizedKeys
    private let roleOf: @Sendable (String) -> Role?

    var supportedAuthenticationMethods: NIOSSHAvailableUserAuthenticationMethods { [.password, .publicKey] }

    init(connection: SSHConnection, passwords: SSHPasswordChecker, authorizedKeys: AuthorizedKeys, roleOf: @escaping @Sendable (String) -> Role?) {
        self.connection = connection
        self.passwords = passwords
        self.authorizedKeys = authorizedKeys
        self.roleOf = roleOf
    }

    func requestReceived(request: NIOSSHUserAuthenticationRequest, responsePromise: EventLoopPromise<NIOSSHUserAuthenticationOutcome>) {
        let user = request.username
        let loop = connection.channel.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        switch request.request {
        case .password(let password):
            // The throttle's delay comes before the check: a guesser pays it before any PBKDF2.
            loop.scheduleTask(in: connection.session.loginDelay) {
                let this = bound.value
                this.passwords.check(user: user, password: password.password, on: loop).whenComplete { result in
                    let role = (try? result.get()) ?? nil
                    responsePromise.succeed(bound.value.finish(user: user, role: role))
                }
            }
        case .publicKey(let key):
            let role = authorizedKeys.allows(key.publicKey, for: user) ? roleOf(user) : nil
            responsePromise.succeed(finish(user: user, role: role))
        default:
            responsePromise.succeed(.failure)
        }
    }

    /// Logs the session in as `user` with `role` (nil: the credential was wrong).
    private func finish(user: String, role: Role?) -> NIOSSHUserAuthenticationOutcome {
        guard let role else {
            connection.session.loginFailed(user: user)
            return .failure
        }
        if let refusal = connection.session.logIn(user: user, role: role) {
            connection.sayGoodbye(refusal)
            return .failure
        }
        connection.loggedIn(as: user)
        return .success
    }
}
