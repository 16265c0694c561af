import NIOConcurrencyHelpers
import Foundation
import Dispatch
import Logging
import Synchronization
@testable import Reactor

/// Runs `body` with a fresh reactor and stops it afterwards.
@discardableResult
func withReactor<R>(
    logger: Logger = Logger(label: "test.reactor"), _ body: (Reactor) throws -> R
) rethrows -> R {
    let reactor = Reactor(configuration: .init(logger: logger))
    defer { reactor.stop() }
    return try body(reactor)
}

/// A hang guard for tests: generous, so it only fires when something is really stuck.
let hangGuard: Duration = .seconds(30)

/// Runs `body` on `count` new threads at once and returns their results in thread order.
func onThreads<R: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> R) -> [R] {
    let results = NIOLockedValueBox<[Int: R]>([:])
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        Thread.detachNewThread {
            let value = body(index)
            results.withLockedValue { $0[index] = value }
            group.leave()
        }
    }
    group.wait()
    return results.withLockedValue { dict in (0..<count).map { dict[$0]! } }
}

/// Blocks until `condition` holds, polling; returns `false` if the hang guard passes first.
@discardableResult
func eventually(_ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + hangGuard
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(1_000)
    }
    return condition()
}

/// A log handler that keeps every message, for assertions on what was logged.
final class CapturingLogHandler: LogHandler, @unchecked Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let entries = NIOLockedValueBox<[Entry]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let flat = (event.metadata ?? [:]).mapValues { "\($0)" }
        entries.withLockedValue { $0.append(Entry(level: event.level, message: "\(event.message)", metadata: flat)) }
    }

    var logged: [Entry] { entries.withLockedValue { $0 } }

    var logger: Logger { Logger(label: "test.capture") { _ in self } }
}

/// A simple error for bodies to throw.
struct Boom: Error, Equatable, CustomStringConvertible {
    var code: Int
    var description: String { "boom \(code)" }
}
