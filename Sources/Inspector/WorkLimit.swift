/// How much work one inspector operation (resolving a path, rendering, completing, suggesting)
/// may do on the thread that runs it, whatever the host has registered.
///
/// Output budgets (``RenderOptions/maxNodes`` and the like) bound what is shown; this bounds what
/// is *scanned* to find it: the keys walked by a dictionary lookup that cannot use hashing, the
/// members walked to reach a set index, the comparisons of a sorted page, the names compared for
/// suggestions. When it runs out the operation stops and says so: a lookup fails with
/// ``PathError/workLimitReached(at:typeName:offset:scanned:total:noun:)``, a page is shown in
/// storage order with a note, a rendering ends with ``RenderedNode/Truncation/work``, completion
/// returns the candidates found so far.
package struct WorkLimit: Sendable, Hashable, Codable {
    /// How long one operation may run. Default 5 ms. Scans stop at 70 % of it, leaving the rest
    /// to finish the reply. The clock is read only after the first 1,024 steps, so a small
    /// operation does the same work however loaded the machine is.
    package var time: Duration
    /// How many steps (keys, members or names scanned, comparisons made) one operation may take.
    /// Default `Int.max`: only ``time`` bounds it. A count is what tests use, being the same on
    /// every machine.
    package var steps: Int

    /// Creates a work limit.
    /// - Parameters:
    ///   - time: How long one operation may run (at least zero).
    ///   - steps: How many steps it may take (at least zero).
    package init(time: Duration = .milliseconds(5), steps: Int = .max) {
        self.time = max(.zero, time)
        self.steps = max(0, steps)
    }

    /// No limit, for callers that are not on a shared thread (tests, tools).
    package static let unlimited = WorkLimit(time: .seconds(Int64.max / 1_000_000_000 / 2), steps: .max)
}

/// The work left to one operation: steps counted as scans run, the clock read every
/// ``checkInterval`` steps once the first ``clockFreeSteps`` are taken. Used only on the thread
/// that runs the operation.
final class WorkBudget {
    /// How many steps pass between two readings of the clock.
    static let checkInterval = 64
    /// The share of ``WorkLimit/time`` scans may use: the rest is left to finish the reply
    /// (sorting what was found, rendering the nodes collected, building the error).
    static let scanShareOfTime = 0.7
    /// Steps taken before the clock is first read: an operation this small does the same work
    /// however loaded the machine is (a descheduled thread would otherwise find its time gone).
    static let clockFreeSteps = 1_024

    // The fields `spend` reads on every step come first: a field after one of a type whose size
    // is known only at run time (`ContinuousClock.Instant`) is found through the class's
    // metadata at each access, which was most of a completion's time.
    let limit: WorkLimit
    /// Steps taken so far.
    private(set) var spent = 0
    private var nextCheck = WorkBudget.clockFreeSteps
    /// Whether the budget has run out; once it has, every ``spend(_:)`` returns `false`.
    private(set) var isExhausted = false
    private let parent: WorkBudget?
    private let unretainedParent: Unmanaged<WorkBudget>?
    private let start: ContinuousClock.Instant
    private let deadline: ContinuousClock.Instant

    init(_ limit: WorkLimit) {
        self.limit = limit
        start = .now
        deadline = start.advanced(by: limit.time * Self.scanShareOfTime)
        parent = nil
        unretainedParent = nil
    }

    private init(limit: WorkLimit, deadline: ContinuousClock.Instant, parent: WorkBudget) {
        self.limit = limit
        start = .now
        self.deadline = deadline
        self.parent = parent
        unretainedParent = Unmanaged.passUnretained(parent)
    }

    /// A budget without limits.
    static var unlimited: WorkBudget { WorkBudget(.unlimited) }

    /// Takes `steps` steps; `false` when the budget does not cover them (the work must stop).
    /// With `checkingClock`, reads the clock now rather than at the next interval (for steps
    /// that may each cost much, like rendering a node).
    @discardableResult
    func spend(_ steps: Int = 1, checkingClock: Bool = false) -> Bool {
        guard !isExhausted else { return false }
        let (sum, overflow) = spent.addingReportingOverflow(max(0, steps))
        spent = overflow ? .max : sum
        if overflow || spent > limit.steps {
            isExhausted = true
            return false
        }
        // `parent` holds the parent for as long as this budget lives: calling it unretained spares
        // a retain and a release per step.
        if let parent = unretainedParent,
            !parent._withUnsafeGuaranteedRef({ $0.spend(steps, checkingClock: checkingClock) })
        {
            isExhausted = true
            return false
        }
        if spent >= nextCheck || (checkingClock && spent >= Self.clockFreeSteps) {
            nextCheck = spent > .max - Self.checkInterval ? .max : spent + Self.checkInterval
            if pastDeadline() {
                isExhausted = true
                return false
            }
        }
        return true
    }

    /// Whether the clock has passed the deadline; apart from `spend`, whose every call would
    /// otherwise make room on the stack for an instant whose size is known only at run time.
    @inline(never)
    private func pastDeadline() -> Bool {
        ContinuousClock.now >= deadline
    }

    /// A share of what is left (`fraction` of the remaining steps and time), for a part of the
    /// operation that may give up without ending it: a sort that falls back to storage order
    /// leaves the rest to render the page. Steps taken from the share count here too.
    func share(_ fraction: Double) -> WorkBudget {
        let now = ContinuousClock.now
        let remainingTime = deadline > now ? (deadline - now) * fraction : .zero
        let remainingSteps = limit.steps == .max ? Int.max : Int(Double(max(0, limit.steps - spent)) * fraction)
        return WorkBudget(
            limit: WorkLimit(time: remainingTime, steps: remainingSteps), deadline: now.advanced(by: remainingTime),
            parent: self)
    }
}
