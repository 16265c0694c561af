import BenchmarkSupport
import Manhole
import ManholeClient
import ManholeWire

/// The server's work for an `AUTH` line, for a known and an unknown user: the two must cost the
/// same, or the time of a challenge tells which names exist. Runs the exchange the session
/// handler runs (credential lookup with its decoy, challenge), interleaving the two users.
/// `swift run -c release manhole-benchmark --sections login-work`
enum LoginWorkBenchmarks {
    static func run(iterations: Int = 10_000) throws {
        print("\n## Login work per AUTH (known vs unknown user, \(iterations) runs each, interleaved)")
        let store = try CredentialStore(
            accounts: [Account(name: "admin", password: "correct horse battery")], iterations: 210_000)
        // Both exchanges must get as far as the challenge, or the figures would time a parse error.
        for user in ["admin", "nobody"] {
            _ = try ScramServerExchange(clientFirst: "n,,n=\(user),r=clientnonce-0123456789"[...], credential: store.credential(for:))
        }
        var known = Samples(capacity: iterations)
        var unknown = Samples(capacity: iterations)
        for step in 0..<(2 * iterations) {
            let user = step % 2 == 0 ? "admin" : "nobody-\(step % 7)"
            let first = "n,,n=\(user),r=clientnonce-0123456789-\(step)"[...]
            let elapsed = time {
                _ = try? ScramServerExchange(clientFirst: first, credential: store.credential(for:))
            }
            if step % 2 == 0 { known.append(elapsed) } else { unknown.append(elapsed) }
        }
        print("  known user:   median \(known.median) ns, p90 \(known.percentile(0.9)) ns")
        print("  unknown user: median \(unknown.median) ns, p90 \(unknown.percentile(0.9)) ns")
        print(String(format: "  ratio unknown/known (medians): %.3f (goal: 1.0 ± noise)", Double(unknown.median) / Double(max(1, known.median))))
    }
}
