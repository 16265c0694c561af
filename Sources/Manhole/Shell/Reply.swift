import Foundation
import Inspector
import NIOCore
import Reactor

/// What a command answers: text for the terminal, and the same content as JSON when it has a
/// structured form. The JSON is only encoded when a client asks for it (`@json`).
struct Reply: Sendable {
    var text: String
    private let makeJSON: (@Sendable () -> String)?
    /// The session ends after this reply (`quit`).
    var closesSession = false

    init(text: String, closesSession: Bool = false) {
        self.text = text
        self.makeJSON = nil
        self.closesSession = closesSession
    }

    /// A reply whose JSON form is `value` encoded.
    init(text: String, encoding value: some Encodable & Sendable) {
        self.text = text
        self.makeJSON = { Self.encode(value) }
    }

    /// A reply showing `table`: aligned text, or the table's JSON (every table alike: ``Table``).
    init(table: Table) {
        self.init(text: table.plainText, encoding: table)
    }

    /// The JSON form: the structured value, or the text wrapped as `{"text": …}`.
    var json: String { makeJSON?() ?? Self.encode(["text": text]) }

    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A command's refusal or failure, shown to the user as the `ERR` payload.
struct ShellError: Error, Sendable, CustomStringConvertible {
    let description: String
    init(_ message: String) { self.description = message }
}
