package import Manhole
import ManholeWire
import Crypto
import Foundation
package import NIOCore
import NIOConcurrencyHelpers
import NIOPosix

/// Checks SSH passwords against the manhole's accounts. The accounts keep only SCRAM keys, so a
/// check derives the salted password (PBKDF2, ~24 ms at production iterations) and compares its
/// stored key: on a thread pool of its own, never on an event loop, and at most
/// ``maximumRunning`` at once, so that a flood of password attempts costs at most two cores and a
/// short queue, not a thread or an event loop each. The derived keys live only for the check.
package final class SSHPasswordChecker: Sendable {
    /// The longest password checked, in UTF-8 bytes; a longer one is refused without PBKDF2,
    /// whose cost grows with it.
    package static let maximumPasswordLength = 1024
    /// The most checks that run at once (the pool's threads).
    package static let maximumRunning = 2
    /// The most checks that wait for a thread; one more is refused at once.
    package static let maximumWaiting = 16

    /// Why a check was not made. The caller refuses the login either way.
    package enum Refusal: Error, Sendable, Hashable {
        /// ``maximumRunning`` checks run and ``maximumWaiting`` wait already.
        case busy
        /// ``shutdown()`` was called.
        case shutDown
    }

    /// What tests observe, called on the pool's threads. Both default to doing nothing.
    package struct Hooks: Sendable {
        /// A check begins its work (before the account lookup and PBKDF2).
        package var checkStarted: @Sendable () -> Void
        /// A check's PBKDF2 has run (for known and unknown users alike).
        package var keyDerived: @Sendable () -> Void

        /// Hooks that do nothing unless given.
        package init(checkStarted: @escaping @Sendable () -> Void = {}, keyDerived: @escaping @Sendable () -> Void = {}) {
            self.checkStarted = checkStarted
            self.keyDerived = keyDerived
        }
    }

    private struct State {
        /// Checks running or waiting for a thread.
        var admitted = 0
        var stopped = false
    }

    private let credentials: CredentialStore
    private let hooks: Hooks
    private let pool: NIOThreadPool
    private let state = NIOLockedValueBox(State())

    /// Starts the checker's threads; they run until ``shutdown()``, which the owner must call.
    /// - Parameters:
    ///   - credentials: The manhole's accounts.
    ///   - hooks: What tests observe.
    package init(credentials: CredentialStore, hooks: Hooks = Hooks()) {
        self.credentials = credentials
        self.hooks = hooks
        self.pool = NIOThreadPool(numberOfThreads: Self.maximumRunning)
        pool.start()
    }

    /// Checks `password` for `user` on the checker's threads.
    /// - Returns: A future on `loop`: the user's role if the account exists and the password is
    ///   right, `nil` otherwise; failed with a ``Refusal`` (at once, without PBKDF2) when too many
    ///   checks are queued or the checker is shut down.
    package func check(user: String, password: String, on loop: any EventLoop) -> EventLoopFuture<Role?> {
        guard password.utf8.count <= Self.maximumPasswordLength else { return loop.makeSucceededFuture(nil) }
        let refusal: Refusal? = state.withLockedValue { state in
            if state.stopped { return .shutDown }
            guard state.admitted < Self.maximumRunning + Self.maximumWaiting else { return .busy }
            state.admitted += 1
            return nil
        }
        if let refusal { return loop.makeFailedFuture(refusal) }
        return pool.runIfActive(eventLoop: loop) { [credentials, hooks, state] in
            defer { state.withLockedValue { $0.admitted -= 1 } }
            // A check that reaches a thread as shutdown begins ends without its PBKDF2.
            guard !state.withLockedValue({ $0.stopped }) else { throw Refusal.shutDown }
            return try Self.verify(user: user, password: password, credentials: credentials, hooks: hooks)
        }.flatMapErrorThrowing { error in
            // The pool drops the checks still queued at shutdown, unrun: say why in our terms.
            throw error is NIOThreadPoolError.ThreadPoolInactive ? Refusal.shutDown : error
        }
    }

    /// Refuses new checks, ends the queued ones with ``Refusal/shutDown`` (without their PBKDF2)
    /// and waits for the running ones (one PBKDF2 each) and the threads to end. Blocks: call it
    /// off the event loops. Calling it again does nothing.
    package func shutdown() {
        state.withLockedValue { $0.stopped = true }
        try? pool.syncShutdownGracefully()
    }

    /// Whether `password` is `user`'s: SCRAM's `SHA256(HMAC(SaltedPassword, "Client Key"))`
    /// against the stored key. An unknown user is checked against a decoy credential, so the
    /// check does the same work (PBKDF2 included) and fails; the role lookup then says no too.
    private static func verify(user: String, password: String, credentials: CredentialStore, hooks: Hooks) throws -> Role? {
        hooks.checkStarted()
        let credential = credentials.credential(for: user)
        let saltedPassword = try ScramCredential.saltedPassword(password, salt: credential.salt, iterations: credential.iterations)
        hooks.keyDerived()
        let clientKey = HMAC<SHA256>.authenticationCode(for: Data("Client Key".utf8), using: saltedPassword)
        // swift-crypto compares digests in constant time: the time does not tell how much matched.
        let matches = SHA256.hash(data: Data(clientKey)) == credential.storedKey
        let role = credentials.role(of: user)
        return matches ? role : nil
    }
}
