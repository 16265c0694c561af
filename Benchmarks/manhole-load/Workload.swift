import Manhole
import ManholeClient
import ManholeWire

/// The commands a load session sends and how each reply is checked. Every reply is verified:
/// `echo` carries a token unique to the request, so a reply answering another request fails.
enum Workload {
    /// The full mix, against the tool's own server (`serve`): echo, whoami, inspect, JSON.
    case full
    /// Built-in commands only, for a manhole whose objects the tool does not know.
    case builtins
    /// The most expensive commands a read-only user can send against huge host objects
    /// (`serve --big-objects`): misses on a 1,000,000-key dictionary, first pages of a
    /// 1,000,000-element set, completion over them. Replies may be errors (a miss is one);
    /// what is checked is that each request gets its own reply, in order.
    case expensive

    /// The command for step `step` of session `session`, and the check of its reply.
    func command(session: Int, step: Int, user: String) -> (line: String, check: (Frame) -> String?) {
        if self == .expensive {
            let line = Self.expensiveCommands[step % Self.expensiveCommands.count]
            return (line, { frame in
                [.ok, .error].contains(frame.kind) ? nil : "expected OK or ERR, got \(frame.kind.rawValue): \(frame.payload.prefix(200))"
            })
        }
        switch (self, step % 4) {
        case (.full, 0):
            let token = "s\(session)-c\(step)"
            return ("echo \(token)", { Self.expect($0, payload: token + "\n") })
        case (.full, 2):
            return ("inspect load.items.count", { Self.expect($0, payload: "load.items.count: Int = 1000\n") })
        case (.full, 3):
            return ("@json inspect load.name", { frame in
                Self.expect(frame, format: .json, containing: "\"path\":\"load.name\"")
                    ?? Self.expect(frame, format: .json, containing: "load-target")
            })
        case (.builtins, 1), (.builtins, 3):
            return ("help whoami", { Self.expect($0, containing: "usage: whoami") })
        default:
            return ("whoami", { Self.expect($0, containing: "user     \(user)\n") })
        }
    }

    /// What `.expensive` sends, in turn: each one scans, sorts or completes over a million
    /// elements unless the inspector bounds its work.
    static let expensiveCommands = [
        #"inspect big["nope"]"#,
        "inspect big[-1]",
        "inspect bigset",
        "inspect bigset[999999]",
        "complete inspect big[",
        "inspect bigarray[-1]",
        "inspect big",
        "complete inspect bigints[",
        #"inspect bigints["x"]"#,
        "inspect bigints",
    ]

    /// `nil` when `frame` is an `OK` in `format` whose payload is `payload` or holds `containing`;
    /// otherwise what is wrong with it.
    static func expect(_ frame: Frame, format: Frame.Format = .text, payload: String? = nil, containing: String? = nil) -> String? {
        guard frame.kind == .ok else { return "expected OK, got \(frame.kind.rawValue): \(frame.payload.prefix(200))" }
        guard frame.format == format else { return "expected \(format.rawValue), got \(frame.format.rawValue)" }
        if let payload, frame.payload != payload { return "expected '\(payload.prefix(80))', got '\(frame.payload.prefix(80))'" }
        if let containing, !frame.payload.contains(containing) { return "expected a reply holding '\(containing)', got '\(frame.payload.prefix(80))'" }
        return nil
    }
}
