import NIOConcurrencyHelpers
import Foundation
import Dispatch
import Logging
import Synchronization
import Reactor

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

/// Runs `body` while the reactor thread is held busy, so that no timer can fire during it.
func holdingTheReactor<R>(_ reactor: Reactor, _ body: () throws -> R) throws -> R {
    let started = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)
    let holder = reactor.runInReactor {
        started.signal()
        _ = release.wait(timeout: .now() + .seconds(30))
    }
    _ = started.wait(timeout: .now() + .seconds(30))
    defer {
        release.signal()
        _ = try? holder.wait(timeout: hangGuard)
    }
    return try body()
}

/// A simple error for bodies to throw.
struct Boom: Error, Equatable, CustomStringConvertible {
    var code: Int
    var description: String { "boom \(code)" }
}
