import Foundation

/// Whether `text` is a duration as every operator view writes it (`850ns`, `12µs`, `350ms`,
/// `1.2s`, `3m 12s`, `2h 5m`, `3d 4h`, negative with a leading `-`), and nothing else.
func isInTheOneDurationFormat(_ text: some StringProtocol) -> Bool {
    String(text).wholeMatch(of: /-?(\d+(ns|µs|ms)|\d+\.\ds|\d+m \d+s|\d+h \d+m|\d+d \d+h)/) != nil
}

/// The JSON object a reply's payload holds.
func jsonObject(_ payload: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(payload.utf8))
    guard let dictionary = object as? [String: Any] else { throw NotAnObject(payload: payload) }
    return dictionary
}

/// A reply that should have been a JSON object was something else.
struct NotAnObject: Error, CustomStringConvertible {
    let payload: String
    var description: String { "not a JSON object: \(payload)" }
}
