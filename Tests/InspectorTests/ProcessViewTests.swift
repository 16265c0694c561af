#if canImport(Glibc)
import Glibc
#endif
import Inspector
import Reactor
import Testing

@Test func theProcessSnapshotReadsTheFiguresOfThisProcess() {
    let reactor = Reactor()
    defer { reactor.stop() }
    let snapshot = ProcessSnapshot.current()
    #if os(Linux)
    #expect((snapshot.residentBytes ?? 0) > 1_000_000)
    // At least this thread and the reactor's.
    #expect((snapshot.threads ?? 0) >= 2)
    // At least standard input, output and error.
    #expect((snapshot.openFiles ?? 0) >= 3)
    #expect(snapshot.uptimeSeconds != nil)
    #endif
    #expect((snapshot.userCPUSeconds ?? -1) >= 0)
    #expect((snapshot.systemCPUSeconds ?? -1) >= 0)
}

#if os(Linux)
@Test func anotherProcessIsReadByItsID() throws {
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

@Test func theProcessViewShowsEachFigureReadably() {
    let reactor = Reactor()
    defer { reactor.stop() }
    let inspector = Inspector(reactor: reactor)
    let snapshot = ProcessSnapshot(
        residentBytes: 12_900_000, threads: 5, openFiles: 12, uptimeSeconds: 192.5, userCPUSeconds: 1.0,
        systemCPUSeconds: 0.25)
    #expect(
        inspector.processTable(snapshot, at: .uptimeNanoseconds(reactor.startedAt.uptimeNanoseconds + 3_000_000_000)).plainText == """
            resident memory  12.3 MiB
            threads          5
            open files       12
            uptime           3m 12s
            cpu time         1.2s (user 1.0s, system 250ms)
            reactor uptime   3.0s

            """)
    #expect(
        inspector.processTable(ProcessSnapshot(), at: reactor.startedAt).plainText == """
            resident memory  unknown
            threads          unknown
            open files       unknown
            uptime           unknown
            cpu time         unknown
            reactor uptime   0ns

            """)
}
