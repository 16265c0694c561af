/// How a manhole's SSH listener is set up: where it listens, its host key, who may log in with
/// a public key. Passwords are the manhole's own accounts.
public struct SSHConfiguration: Sendable {
    /// The address to listen on: loopback unless the host says otherwise.
    public var host: String
    /// The port (5023 in the examples; 0 picks a free one).
    public var port: Int
    /// The file holding the Ed25519 host key: read if it exists (it must be 0600), else created
    /// with mode 0600. `nil` generates a key for this run only (clients then see a new host key
    /// at every start).
    public var hostKeyPath: String?
    /// Per user, an `authorized_keys`-style file of the public keys that may log in as that user
    /// (Ed25519 and ECDSA; no options).
    public var authorizedKeysFiles: [String: String]

    /// - Parameters:
    ///   - host: The address to listen on (loopback by default).
    ///   - port: The port; 0 picks a free one.
    ///   - hostKeyPath: The host key's file, created at first start; `nil` for a key per run.
    ///   - authorizedKeysFiles: Per user, a file of the public keys allowed to log in as them.
    public init(host: String = "127.0.0.1", port: Int = 5023, hostKeyPath: String? = nil, authorizedKeysFiles: [String: String] = [:]) {
        self.host = host
        self.port = port
        self.hostKeyPath = hostKeyPath
        self.authorizedKeysFiles = authorizedKeysFiles
    }
}
