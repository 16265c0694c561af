import Foundation

/// Blocks until `condition` holds, checking it every `interval` (make it longer when checking is
/// expensive, as when it starts a process); returns `false` if `limit` passes first. A hang
/// guard, never a timing assertion: the limit is generous on purpose.
@discardableResult
public func eventually(
    within limit: Duration = .seconds(30), every interval: Duration = .milliseconds(1), _ condition: () -> Bool
) -> Bool {
    let deadline = ContinuousClock.now + limit
    let pause = useconds_t(interval / .microseconds(1))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(pause)
    }
    return condition()
}
