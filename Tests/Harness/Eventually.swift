import Foundation

/// Blocks until `condition` holds, polling every millisecond; returns `false` if `limit` passes
/// first. A hang guard, never a timing assertion: the limit is generous on purpose.
@discardableResult
public func eventually(within limit: Duration = .seconds(30), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(1_000)
    }
    return condition()
}
