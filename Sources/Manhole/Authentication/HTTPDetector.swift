/// Recognises the first line of an HTTP request (or a header line), so that a web page that
/// makes the browser talk to the manhole's port is turned away before any shell exists
/// (the cross-protocol attack Clojure's nREPL and Node's inspector suffered).
package enum HTTPDetector {
    private static let methods = ["GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE ", "PRI "]
    private static let headers = ["host:", "upgrade:", "connection:", "origin:", "user-agent:", "sec-websocket-"]

    /// Whether `line` looks like part of an HTTP request.
    package static func looksLikeHTTP(_ line: String) -> Bool {
        if methods.contains(where: { line.hasPrefix($0) }) { return true }
        let lowered = line.lowercased()
        if headers.contains(where: { lowered.hasPrefix($0) }) { return true }
        return lowered.contains(" http/1.") || lowered.contains(" http/2")
    }
}
