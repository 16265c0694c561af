import NIOCore
import Testing
@testable import Manhole
import ManholeClient

@Suite("The throttle table: one source per attacker, bounded, least recently failed out")
struct ThrottleTableTests {
    @Test("Every loopback address is one source: 127.0.0.0/8, ::1 and ::ffff:127.x; other addresses are their own")
    func loopbackIsOneSource() throws {
        for address in ["127.0.0.1", "127.0.0.2", "127.255.3.4", "::1", "::ffff:127.0.0.9"] {
            #expect(LoginSource(address: address) == .loopback, "\(address)")
        }
        #expect(LoginSource(address: "10.0.0.1") == .address("10.0.0.1"))
        #expect(LoginSource(address: "::ffff:10.0.0.1") == .address("::ffff:10.0.0.1"))
        #expect(LoginSource(try SocketAddress(ipAddress: "127.9.8.7", port: 1)) == .loopback)
        #expect(LoginSource(try SocketAddress(ipAddress: "::1", port: 1)) == .loopback)
        #expect(LoginSource(try SocketAddress(ipAddress: "::ffff:127.0.0.5", port: 1)) == .loopback)
        #expect(LoginSource(try SocketAddress(ipAddress: "192.168.1.2", port: 1)) == .address("192.168.1.2"))

        var throttle = LoginThrottle(base: .milliseconds(250), maximum: .seconds(8), memory: .seconds(900))
        for last in 1...200 { throttle.recordFailure(from: "127.0.\(last).1") }
        throttle.recordFailure(from: "::1")
        #expect(throttle.count == 1)
        #expect(throttle.failures(of: .loopback) == 201)
    }

    @Test("100,000 sources never grow the table past its cap; the least recently failed source goes first")
    func cappedAndLeastRecentlyUsed() {
        var throttle = LoginThrottle(base: .milliseconds(250), maximum: .seconds(8), memory: .seconds(900), capacity: 1_024)
        let start = NIODeadline.now()
        var largest = 0
        for index in 0..<100_000 {
            throttle.recordFailure(from: .address("10.\(index >> 16).\((index >> 8) & 255).\(index & 255)"), at: start + .microseconds(Int64(index)))
            largest = max(largest, throttle.count)
            // Source 0 fails again now and then: it stays among the recent ones.
            if index % 512 == 0 { throttle.recordFailure(from: .address("10.0.0.0"), at: start + .microseconds(Int64(index))) }
        }
        #expect(largest == 1_024)
        #expect(throttle.count == 1_024)
        #expect(throttle.failures(of: .address("10.0.0.0")) > 1, "the source that kept failing was dropped")
        #expect(throttle.failures(of: .address("10.0.0.1")) == 0, "an old source is still there")
        let newest = throttle.sourcesNewestFirst
        #expect(newest.first == .address("10.1.134.159"))  // source 99,999
        #expect(newest.count == 1_024)
    }

    @Test("Sources are forgotten a memory after their last failure, from the old end, without a timer")
    func expiry() {
        var throttle = LoginThrottle(base: .milliseconds(250), maximum: .seconds(8), memory: .seconds(60))
        let start = NIODeadline.now()
        for index in 0..<10 { throttle.recordFailure(from: .address("10.0.0.\(index)"), at: start + .seconds(Int64(index))) }
        #expect(throttle.count == 10)
        // At 65 s the sources that failed at 0 … 5 s are past their memory.
        throttle.recordFailure(from: .address("10.0.1.0"), at: start + .seconds(65))
        #expect(throttle.count == 5)
        #expect(throttle.failures(of: .address("10.0.0.5")) == 0)
        #expect(throttle.failures(of: .address("10.0.0.6")) == 1)
        #expect(throttle.nextVerdict(for: .address("10.0.0.9"), at: start + .seconds(70)) == start + .seconds(70))
    }

    @Test("A source receives at most one verdict per delay: none with no failures, then base, doubling up to the maximum")
    func verdictSpacing() {
        var throttle = LoginThrottle(base: .milliseconds(250), maximum: .seconds(8), memory: .seconds(900))
        let start = NIODeadline.now()
        #expect(throttle.nextVerdict(for: .loopback, at: start) == start)
        var now = start
        var gaps: [Int64] = []
        for _ in 0..<8 {
            throttle.recordFailure(from: .loopback, at: now)
            let next = throttle.nextVerdict(for: .loopback, at: now)
            gaps.append((next - now).nanoseconds / 1_000_000)
            now = next
        }
        #expect(gaps == [250, 500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000])
        // A welcome does not reset the count: the next verdict still waits the maximum.
        throttle.recordSuccess(of: .loopback, at: now)
        #expect(throttle.nextVerdict(for: .loopback, at: now) == now + .seconds(8))
    }
}
