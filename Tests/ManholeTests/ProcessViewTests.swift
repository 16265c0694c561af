#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import Reactor
import Testing
@testable import Manhole
import ManholeClient

@Suite("The process and reactor views")
struct ProcessViewTests {
    @Test("The process snapshot reads the figures of this process")
    func snapshot() {
        let snapshot = ProcessSnapshot.current()
        #if os(Linux)
        #expect((snapshot.residentBytes ?? 0) > 1_000_000)
        // At least this thread and the main one.
        #expect((snapshot.threads ?? 0) >= 2)
        // At least standard input, output and error.
        #expect((snapshot.openFiles ?? 0) >= 3)
        #expect(snapshot.uptimeSeconds != nil)
        #endif
        #expect((snapshot.userCPUSeconds ?? -1) >= 0)
        #expect((snapshot.systemCPUSeconds ?? -1) >= 0)
    }

    #if os(Linux)
    @Test("Another process is read by its id")
    func anotherProcess() throws {
        // This process by its id, read as another's would be: the same kind of figures.
        let mine = try #require(ProcessSnapshot.of(processID: getpid()))
        #expect((mine.residentBytes ?? 0) > 1_000_000)
        #expect((mine.threads ?? 0) >= 1)
        #expect((mine.openFiles ?? 0) >= 3)
        #expect(mine.uptimeSeconds != nil)
        // A process id past the system's maximum does not exist.
        #expect(ProcessSnapshot.of(processID: Int32.max) == nil)
    }
    #endif

    @Test("The process view shows each figure readably, a missing one as -")
    func processView() {
        let snapshot = ProcessSnapshot(
            residentBytes: 12_900_000, threads: 5, openFiles: 12, uptimeSeconds: 192.5, userCPUSeconds: 1.0,
            systemCPUSeconds: 0.25)
        #expect(
            ProcessView.table(snapshot).plainText == """
                resident memory  12.3 MiB
                threads          5
                open files       12
                uptime           3m 12s
                cpu time         1.2s
                user cpu time    1.0s
                system cpu time  250ms

                """)
        #expect(
            ProcessView.table(ProcessSnapshot()).plainText == """
                resident memory  -
                threads          -
                open files       -
                uptime           -
                cpu time         -
                user cpu time    -
                system cpu time  -

                """)
    }

    @Test("stats and reactor write a duration alike: 192.5 seconds is 3m 12s in both")
    func sameDurations() throws {
        let reactor = Reactor()
        defer { reactor.stop() }
        let later = NIODeadline.uptimeNanoseconds(reactor.startedAt.uptimeNanoseconds + 192_500_000_000)
        let stats = ProcessView.table(ProcessSnapshot(uptimeSeconds: 192.5)).plainText
        let status = ReactorView.table(of: reactor, sessions: [], manholeStartedAt: reactor.startedAt, at: later).plainText
        #expect(stats.contains("uptime           3m 12s\n"))
        #expect(status.contains("reactor running for  3m 12s\n"))
        #expect(status.contains("manhole running for  3m 12s\n"))
    }

    @Test("Only the process has an uptime; the reactor view names what has been running")
    func uptimeMeansTheProcess() {
        let reactor = Reactor()
        defer { reactor.stop() }
        let status = ReactorView.table(of: reactor, sessions: [], manholeStartedAt: reactor.startedAt, at: reactor.startedAt)
        #expect(
            status.plainText == """
                reactor running for  0ns
                stopped              no
                live timers          0
                tracked results      0
                stashed results      0
                sessions logged in   0
                sessions logging in  0
                manhole running for  0ns

                """)
    }
}
