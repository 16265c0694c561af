import Foundation
import ManholeTesting
import Testing

@Suite("What manhole-client is made of")
struct ClientFootprintTests {
    /// The modules the client must not contain: the server, what only the server uses, and NIO.
    /// A Swift symbol names its module first, with the name's length: `$s7Reactor…`.
    static let serverModules = ["Manhole", "Inspector", "Reactor", "NIOPosix", "NIOCore"]

    @Test("The client binary defines no symbol of the server, the Inspector, the Reactor or NIO")
    func linksNoServerCode() throws {
        let client = try siblingExecutable(named: "manhole-client")
        let nm = Process()
        nm.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        nm.arguments = ["nm", "--defined-only", client.path]
        let output = Pipe()
        nm.standardOutput = output
        try nm.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        nm.waitUntilExit()
        #expect(nm.terminationStatus == 0)
        let symbols = String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { $0.split(separator: " ").last }
        // The wire and client modules are there: the test looks at the right binary.
        #expect(symbols.contains { $0.hasPrefix("$s11ManholeWire") })
        #expect(symbols.contains { $0.hasPrefix("$s13ManholeClient") })
        for module in Self.serverModules {
            let prefix = "$s\(module.utf8.count)\(module)"
            let found = symbols.filter { $0.hasPrefix(prefix) }
            #expect(found.isEmpty, "\(found.count) symbols of \(module), e.g. \(found.prefix(3))")
        }
    }
}
