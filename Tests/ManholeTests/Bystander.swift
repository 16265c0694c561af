import Foundation
import ManholeTesting
import Inspector
import NIOConcurrencyHelpers
import Reactor
import Testing
@testable import Manhole
import ManholeClient

/// Innocent parties to an attack: a logged-in session that keeps running commands and checking
/// every reply, and a host thread that keeps doing its own blocking work through the reactor
/// (`waitFor` round trips, like a Crochet host). See ``withBystander(_:sourceLocation:_:)``.
final class Bystander: Sendable {
    /// How many replies the session got right, and how many rounds the host finished.
    private let counts = NIOLockedValueBox((replies: 0, hostRounds: 0))
    private let wrong = NIOLockedValueBox<[String]>([])
    private let running = NIOLockedValueBox(true)
    private let finished = DispatchGroup()

    /// Logs a session in (user `viewer`) and starts both workers; returns once each made progress.
    init(server: TestServer) throws {
        server.manhole.inspector.register("bystander", Config(port: 8080, name: "bystander"))
        let session = Handoff(value: try server.connect(user: "viewer", password: viewerPassword))
        let identity = try session.value.run("whoami").payload
        #expect(identity.hasPrefix("user     viewer\nrole     read-only\nsession  "))
        finished.enter()
        Thread.detachNewThread { [self] in
            defer {
                session.value.close()
                finished.leave()
            }
            var step = 0
            while running.withLockedValue({ $0 }) {
                step += 1
                let (command, expected) = step % 2 == 0
                    ? ("whoami", identity) : ("inspect bystander.port", "bystander.port: Int = 8080\n")
                do {
                    let reply = try session.value.run(command)
                    guard reply.kind == .ok, reply.payload == expected else {
                        wrong.withLockedValue { $0.append("\(command): \(reply.kind) \(reply.payload)") }
                        return
                    }
                    counts.withLockedValue { $0.replies += 1 }
                } catch {
                    wrong.withLockedValue { $0.append("\(command): \(error)") }
                    return
                }
                usleep(5_000)
            }
        }
        let reactor = server.reactor
        finished.enter()
        Thread.detachNewThread { [self] in
            defer { finished.leave() }
            var total = 0
            while running.withLockedValue({ $0 }) {
                // The host's own blocking work: a little computation, then a call through the reactor.
                let input = total
                do {
                    total = try reactor.waitFor(timeout: .seconds(30)) { (0..<100).reduce(input) { $0 &+ $1 } }
                } catch {
                    wrong.withLockedValue { $0.append("host waitFor: \(error)") }
                    return
                }
                counts.withLockedValue { $0.hostRounds += 1 }
                usleep(5_000)
            }
        }
        eventually { progressed(since: (0, 0)) || !wrong.withLockedValue({ $0.isEmpty }) }
    }

    /// Replies right so far and host rounds so far.
    var snapshot: (replies: Int, hostRounds: Int) { counts.withLockedValue { $0 } }

    private func progressed(since start: (replies: Int, hostRounds: Int)) -> Bool {
        let now = snapshot
        return now.replies > start.replies && now.hostRounds > start.hostRounds
    }

    /// Waits until both workers progressed past `start`, then stops them; returns the counts and
    /// any wrong reply or error the session or host saw.
    func finish(since start: (replies: Int, hostRounds: Int)) -> (replies: Int, hostRounds: Int, wrong: [String]) {
        eventually { progressed(since: start) || !wrong.withLockedValue({ $0.isEmpty }) }
        running.withLockedValue { $0 = false }
        finished.wait()
        let end = snapshot
        return (end.replies - start.replies, end.hostRounds - start.hostRounds, wrong.withLockedValue { $0 })
    }
}

/// Runs `attack` while a ``Bystander`` session and host worker keep going, then checks that the
/// session got every reply right and that both made progress from the attack's start (counted
/// until each has done at least one more round after it: progress, never a timing goal).
@discardableResult
func withBystander<T>(
    _ server: TestServer, sourceLocation: SourceLocation = #_sourceLocation, _ attack: () throws -> T
) throws -> T {
    let bystander = try Bystander(server: server)
    let start = bystander.snapshot
    let result: T
    do {
        result = try attack()
    } catch {
        _ = bystander.finish(since: start)
        throw error
    }
    let outcome = bystander.finish(since: start)
    #expect(outcome.wrong == [], "the bystander session or the host saw an error", sourceLocation: sourceLocation)
    #expect(outcome.replies > 0, "the bystander session got no reply during the attack", sourceLocation: sourceLocation)
    #expect(outcome.hostRounds > 0, "the host's own work made no progress during the attack", sourceLocation: sourceLocation)
    return result
}

/// A deterministic random generator, so hostile bytes are the same on every run.
typealias SeededGenerator = SplitMix64

/// This process's resident memory (the server runs in-process), as the `stats` command reads it.
func residentBytes() -> Int { ProcessSnapshot.current().residentBytes ?? 0 }

/// Whether resident memory says anything about the server's buffers: not under AddressSanitizer,
/// whose quarantine keeps freed memory resident, nor under ThreadSanitizer, whose shadow memory
/// and per-thread state grow by megabytes with the traffic itself (2–2.7 MiB for the endless
/// line, measured), and not where /proc is missing. The debug run checks memory.
let residentMemoryIsMeaningful: Bool = {
    residentBytes() > 0 && !runningUnderSanitizer
}()

/// Whether a sanitizer (ThreadSanitizer or AddressSanitizer) slows this run down: the heaviest
/// attacks then send less (the same outcomes, checked on a smaller scale).
let runningUnderSanitizer = dlsym(nil, "__tsan_init") != nil || dlsym(nil, "__asan_init") != nil

/// Tracks the highest resident memory seen while it runs (sampled every millisecond), against
/// a baseline taken by the sampling thread itself, so the thread's own memory is not counted.
final class MemoryWatch: Sendable {
    private let peak = NIOLockedValueBox(0)
    private let running = NIOLockedValueBox(true)
    private let stopped = DispatchSemaphore(value: 0)
    private let baseline = NIOLockedValueBox(0)

    init() {
        let sampling = DispatchSemaphore(value: 0)
        Thread.detachNewThread { [self] in
            baseline.withLockedValue { $0 = residentBytes() }
            sampling.signal()
            while running.withLockedValue({ $0 }) {
                let now = residentBytes()
                peak.withLockedValue { $0 = max($0, now) }
                usleep(1_000)
            }
            stopped.signal()
        }
        sampling.wait()
    }

    /// Resident memory when sampling began.
    var start: Int { baseline.withLockedValue { $0 } }

    /// Stops sampling; returns the highest growth over the start, in bytes.
    func stop() -> Int {
        running.withLockedValue { $0 = false }
        stopped.wait()
        return max(0, peak.withLockedValue { $0 } - start)
    }
}
