public import Foundation

/// The `manhole-shutdown-probe` fixture (Tests/Fixtures/manhole-shutdown-probe): what the probe
/// itself, the shutdown-under-load tests and the shutdown benchmark must agree on.
public enum ShutdownProbe {
    /// The executable's name, built beside the tests and the benchmark.
    public static let name = "manhole-shutdown-probe"
    /// The probe's only account, an admin.
    public static let user = "admin"
    /// That account's password.
    public static let password = "shutdown probe password"

    /// The built probe (see ``siblingExecutable(named:)``).
    public static func executable() throws -> URL {
        try siblingExecutable(named: name)
    }

    /// Starts the probe as a child process.
    public static func launch() throws -> ChildProcess {
        try ChildProcess.launch(executable())
    }
}
