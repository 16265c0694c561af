import ManholeWire
import Inspector

// Parses the input as an object path (`app.jobs[3].name`, `app.cache["user 42"]`). A path that
// parses, written out again, must parse to the same entry and steps, written out two ways:
// - canonically: string keys in double quotes with every scalar outside printable ASCII as `\u{…}`;
// - as the shell shows keys and completes them: string keys through `Quoting.quote`, which writes
//   a combining or prepended mark that would fuse with a quote or an escape as `\u{…}` (this
//   fuzzer found those keys: they are in the corpus).
// A failed parse must point inside the path.
//
// A path that parses is then resolved against a corpus of live values (`LiveValues.swift`:
// arrays, sets, dictionaries keyed by every kind of key, nested, optional, enums with payloads,
// classes with cycles, hostile text), under a work limit counted in steps so that every run is
// the same. What resolves is rendered, and:
// - the rendering holds no terminal control but its newlines;
// - every child it shows, its label appended to the path, parses and resolves to a value that
//   renders with the same type and summary;
// - every completion of the path, and of the path cut before its last segment, parses and resolves.

/// `key` as a quoted path key, ASCII only: no character of it can merge with the quotes.
private func canonicalKey(_ key: String) -> String {
    var out = "\""
    for scalar in key.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case " "..."~": out.unicodeScalars.append(scalar)
        default: out += "\\u{\(String(scalar.value, radix: 16))}"
        }
    }
    return out + "\""
}

private func render(_ path: InspectorPath, key: (String) -> String) -> String {
    var text = path.entry
    for segment in path.segments {
        switch segment.step {
        case .member(let name): text += "." + name
        case .index(let index): text += "[\(index)]"
        case .key(let string): text += "[" + key(string) + "]"
        }
    }
    return text
}

private func checkReparse(_ path: InspectorPath, as text: String, how: String) {
    let again: InspectorPath
    do {
        again = try InspectorPath(parsing: text)
    } catch {
        fatalError("\(how) rendering \(text) of \(path.text) does not parse: \(error)")
    }
    guard again.entry == path.entry, again.segments.map(\.step) == path.segments.map(\.step) else {
        fatalError("\(how) rendering \(text) of \(path.text) parses to \(again.entry) \(again.segments.map(\.step))")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let path: InspectorPath
    do {
        path = try InspectorPath(parsing: text)
    } catch {
        guard case .syntax(let shown, let offset, _) = error, offset >= 0, offset <= shown.count else {
            fatalError("parse error \(error) points outside the path")
        }
        _ = error.description
        return 0
    }
    guard InspectorPath.isValidEntryName(path.entry) else { fatalError("entry \(path.entry) is not a valid name") }
    for index in 0...path.segments.count { _ = path.prefix(before: index) }
    checkReparse(path, as: render(path, key: canonicalKey), how: "canonical")
    checkReparse(path, as: render(path) { Quoting.quote($0, maxLength: .max).text }, how: "Quoting")
    checkLive(path)
    return 0
}
