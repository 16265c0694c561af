import Testing
@testable import Manhole

/// A timer watch's hops from the reactor to the sessions' loop are bounded, and the runs past the
/// bound are counted, never silently lost; the watch's end always goes through.
@Suite("Watch hops")
struct HopLimitTests {
    @Test("At most 64 hops in flight; the rest are counted and handed over by the next hop that arrives; an end is never refused")
    func boundedAndCounted() {
        let hops = HopLimit()
        #expect((0..<HopLimit.limit).allSatisfy { _ in hops.admit(force: false) })
        #expect(!hops.admit(force: false))
        #expect(!hops.admit(force: false))
        #expect(hops.admit(force: true))
        #expect(hops.arrived() == 2)
        #expect(hops.arrived() == 0)
        // One arrived and the end: room for exactly one more.
        #expect(hops.admit(force: false))
        #expect(!hops.admit(force: false))
        #expect(hops.arrived() == 1)
    }
}
