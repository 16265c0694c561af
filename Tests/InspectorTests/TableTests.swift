import Foundation
import Inspector
import Testing

@Test func aTableAlignsItsColumnsWithoutTrailingSpaces() {
    let table = Table(columns: ["ID", "NAME", "NOTE"], rows: [["1", "refresh", ""], ["12", "a", "two\nlines"]], note: "2 timers")
    #expect(
        table.plainText == """
            ID  NAME     NOTE
            1   refresh
            12  a        two lines
            2 timers

            """)
}

@Test func aTableWithoutColumnsPrintsOnlyItsRows() {
    #expect(Table(columns: [], rows: [["threads", "5"], ["open files", "12"]]).plainText == "threads     5\nopen files  12\n")
    #expect(Table(columns: [], rows: []).plainText == "")
}

@Test func aTableRoundTripsThroughJSON() throws {
    let table = Table(columns: ["A"], rows: [["1"]], note: "n")
    let data = try JSONEncoder().encode(table)
    #expect(try JSONDecoder().decode(Table.self, from: data) == table)
}
