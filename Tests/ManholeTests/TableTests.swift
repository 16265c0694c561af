import Foundation
import Testing
@testable import Manhole
import ManholeClient

@Suite("Table: the one renderer of every operator view")
struct TableTests {
    @Test("Rows are aligned under capitalised headings, without trailing spaces, then the note")
    func alignment() {
        let table = Table(
            columns: [Table.Column("id"), Table.Column("name"), Table.Column("note")],
            rows: [[.number(1), .text("refresh"), .text("")], [.number(12), .text("a"), .text("two\nlines")]], note: "2 timers")
        #expect(
            table.plainText == """
                ID  NAME     NOTE
                1   refresh
                12  a        two lines
                2 timers

                """)
    }

    @Test("A record prints a field per line, label then value, without headings")
    func record() {
        let table = Table(fields: [Table.Field("threads", key: "threads", .number(5)), Table.Field("open files", key: "openFiles", .missing)])
        #expect(table.plainText == "threads     5\nopen files  -\n")
        #expect(Table(fields: []).plainText == "")
    }

    @Test("Headings come from keys: words in capitals, without the unit of a duration or a size")
    func headings() {
        #expect(Table.Column("callSite").heading == "CALL SITE")
        #expect(Table.Column("dueInSeconds").heading == "DUE IN")
        #expect(Table.Column("residentBytes").heading == "RESIDENT")
        #expect(Table.Column("connectedSeconds", heading: "CONNECTED FOR").heading == "CONNECTED FOR")
    }

    @Test("Each kind of cell has one text and one JSON value")
    func cells() throws {
        let table = Table(
            columns: ["text", "number", "ageSeconds", "sizeBytes", "flag", "missing"].map { Table.Column($0) },
            rows: [[.text("a"), .number(3), .duration(.milliseconds(192_500)), .bytes(1_536), .flag(true), .missing]])
        #expect(table.textRows == [["a", "3", "3m 12s", "1.5 KiB", "yes", "-"]])
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(table)) as? [String: Any])
        #expect(object["columns"] as? [String] == ["text", "number", "ageSeconds", "sizeBytes", "flag", "missing"])
        #expect(object["note"] is NSNull)
        let row = try #require((object["rows"] as? [[String: Any]])?.first)
        #expect(row["text"] as? String == "a")
        #expect(row["number"] as? Int == 3)
        #expect(row["ageSeconds"] as? Double == 192.5)
        #expect(row["sizeBytes"] as? Int == 1_536)
        #expect(row["flag"] as? Bool == true)
        #expect(row["missing"] is NSNull)
    }

    @Test("A record's JSON is one object keyed by its fields' keys")
    func recordJSON() throws {
        let table = Table(fields: [Table.Field("uptime", key: "uptimeSeconds", .duration(.seconds(2))), Table.Field("threads", key: "threads", .number(5))])
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(table)) as? [String: Any])
        #expect(Set(object.keys) == ["uptimeSeconds", "threads"])
        #expect(object["uptimeSeconds"] as? Double == 2)
    }

    @Test("A column shown only in JSON is left out of the text")
    func hiddenColumn() {
        let table = Table(columns: [Table.Column("name", isShownInText: false), Table.Column("usage")], rows: [[.text("ls"), .text("ls [-l]")]])
        #expect(table.plainText == "USAGE\nls [-l]\n")
    }

    @Test("Byte counts use binary units")
    func byteSizes() {
        #expect(ByteSize.string(512) == "512 B")
        #expect(ByteSize.string(1_536) == "1.5 KiB")
        #expect(ByteSize.string(12_900_000) == "12.3 MiB")
        #expect(ByteSize.string(1_181_116_006) == "1.1 GiB")
    }

    @Test("Cells and notes are escaped for the terminal")
    func escaping() {
        let table = Table(columns: [Table.Column("a"), Table.Column("b")], rows: [[.text("\u{9B}x"), .text("y\u{202E}z")]], note: "n\u{1B}")
        let text = table.plainText
        #expect(!text.contains("\u{9B}"))
        #expect(!text.contains("\u{202E}"))
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains(#"\u{9B}x"#))
    }
}
