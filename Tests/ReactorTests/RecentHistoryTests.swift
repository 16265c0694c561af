import Reactor
import Testing

@Suite("A bounded history of the newest items")
struct RecentHistoryTests {
    @Test("It keeps the newest items up to its capacity, newest first, across the ring's wrap")
    func keepsTheNewest() {
        var history = RecentHistory<Int>(capacity: 3)
        #expect(history.newestFirst.isEmpty)
        history.append(1)
        history.append(2)
        #expect(history.newestFirst == [2, 1])
        for item in 3...7 { history.append(item) }
        #expect(history.count == 3)
        #expect(history.newestFirst == [7, 6, 5])
        #expect(history.unordered.sorted() == [5, 6, 7])
    }

    @Test("updateNewest changes the newest matching item only, after the wrap too")
    func updatesTheNewestMatch() {
        var history = RecentHistory<Int>(capacity: 4)
        for item in [1, 2, 1, 3, 1, 4] { history.append(item) }
        history.updateNewest(where: { $0 == 1 }) { $0 = 10 }
        #expect(history.newestFirst == [4, 10, 3, 1])
        history.updateNewest(where: { $0 == 99 }) { $0 = 0 }
        #expect(history.newestFirst == [4, 10, 3, 1])
    }
}
