public import Foundation

/// Finds an executable built beside the running one: SwiftPM puts every product of a build in one
/// directory, and a test bundle one or two levels below it.
public func siblingExecutable(named name: String) throws -> URL {
    let running = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var directory = running.deletingLastPathComponent()
    var searched: [String] = []
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        searched.append(candidate.path)
        directory = directory.deletingLastPathComponent()
    }
    throw ExecutableMissing(name: name, searched: searched)
}

/// An executable the tests or benchmarks need was not built.
public struct ExecutableMissing: Error, CustomStringConvertible {
    /// The executable's name.
    public var name: String
    /// Where it was looked for.
    public var searched: [String]

    public var description: String {
        "\(name) not found (looked at \(searched.joined(separator: ", "))); build it with `swift build`"
    }
}
