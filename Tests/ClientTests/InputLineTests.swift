import Foundation
import Testing
@testable import manhole_client

@Suite("Input lines")
struct InputLineTests {
    @Test("Blank lines and # comments are skipped; commands are trimmed")
    func classification() {
        #expect(InputLine("") == .skip)
        #expect(InputLine("   \t ") == .skip)
        #expect(InputLine("  # a comment") == .skip)
        #expect(InputLine("  inspect app  \r") == .command("inspect app"))
    }

    @Test("quit and exit end the session, also as @json; other commands do not")
    func quitDetection() {
        #expect(InputLine.isQuit("quit"))
        #expect(InputLine.isQuit("exit"))
        #expect(InputLine.isQuit("@json quit"))
        #expect(!InputLine.isQuit("quitter"))
        #expect(!InputLine.isQuit("inspect quit"))
    }

    @Test("The line reader splits on newlines, drops a \\r before them, and returns a last line without one")
    func lineReader() throws {
        var descriptors: [Int32] = [0, 0]
        try #require(pipe(&descriptors) == 0)
        let text = "one\r\ntwo\n\nthree"
        _ = text.withCString { write(descriptors[1], $0, strlen($0)) }
        close(descriptors[1])
        defer { close(descriptors[0]) }
        let reader = LineReader(descriptor: descriptors[0])
        #expect(reader.readLine() == "one")
        #expect(reader.readLine() == "two")
        #expect(reader.readLine() == "")
        #expect(reader.readLine() == "three")
        #expect(reader.readLine() == nil)
    }
}
