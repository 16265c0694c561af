import Logging
import NIOEmbedded
import Testing

@testable import Manhole

/// A watch's account on one loop, without sockets: what its feed had not handed over, and what
/// its waiting notices told, is counted as lost when it is removed (the paths a real session
/// rarely takes at a known moment; `LogFollowTests` checks the whole account over a socket).
@Suite("Watch accounting")
struct WatchAccountingTests {
    private struct Fixture {
        let loop = EmbeddedEventLoop()
        let ring = LogRing(capacity: 100)
        let board = WatchBoard()
        let followers = LogFollowers()
        let session: SessionWatches

        init() {
            let loop = self.loop
            let budget = LoopBudget(eventLoop: loop, share: 1, window: .milliseconds(10), slice: .milliseconds(10), workClock: { 0 })
            session = SessionWatches(sessionID: 1, budget: budget, wake: {})
            board.add(session, on: loop)
        }

        /// Starts a follow at `level`, as `log --follow` does.
        func follow(level: Logger.Level) -> Int {
            let id = session.add(.log(level: level), format: .text)
            let (followers, ring, loop) = (self.followers, self.ring, self.loop)
            followers.add(sessionID: 1, watchID: id, level: level, ring: ring, board: board, loop: loop)
            session.onEnd(of: id) { followers.remove(sessionID: 1, watchID: id, ring: ring, loop: loop) }
            return id
        }

        func log(_ count: Int, at level: Logger.Level) {
            for number in 0..<count {
                ring.append(LogRingEntry.Line(level: level, label: "host", message: "line \(number)", metadata: .logged([:]), file: "Host/main.swift", line: 1))
            }
        }
    }

    @Test("Lines a follow had not been handed when it ends are lost and counted, those below its level are not")
    func unpulledLinesCount() throws {
        let fixture = Fixture()
        // The embedded loop keeps its scheduled pulls (which hold it) until it is shut down.
        defer { try? fixture.loop.syncShutdownGracefully() }
        let id = fixture.follow(level: .warning)
        // The embedded loop's time stands still: no pull runs.
        fixture.log(30, at: .info)
        fixture.log(20, at: .error)
        let removal = try #require(fixture.session.remove(id))
        #expect(removal.notices == 0 && removal.dropped == 20 && removal.unreported == 20, "\(removal)")
        #expect(fixture.followers.count(on: fixture.loop) == 0)
    }

    @Test("Lines the ring overwrote before the pull are counted once, told by the pull's notice or by the removal")
    func overwrittenLinesCount() throws {
        let fixture = Fixture()
        // The embedded loop keeps its scheduled pulls (which hold it) until it is shut down.
        defer { try? fixture.loop.syncShutdownGracefully() }
        let id = fixture.follow(level: .info)
        fixture.log(250, at: .info)
        // Nothing read: the pull hands over the 100 lines kept and tells of the 150 overwritten.
        fixture.loop.advanceTime(by: .milliseconds(10))
        fixture.log(5, at: .info)
        let removal = try #require(fixture.session.remove(id))
        // 1 notice of the 150 overwritten and 63 lines fitted in the queue of 64; 37 lines were
        // dropped at the full queue, 5 were never pulled: 192 lost. Every waiting notice is then
        // forgotten: 63 lines more lost, and the 150 the forgotten notice told of untold again.
        #expect(removal.notices == 0, "\(removal)")
        #expect(removal.dropped == 150 + 37 + 5 + 63, "\(removal)")
        #expect(removal.unreported == removal.dropped, "\(removal)")
    }
}
