import Manhole

/// The commands a load session sends and how each reply is checked. Every reply is verified:
/// `echo` carries a token unique to the request, so a reply answering another request fails.
enum Workload {
    /// The full mix, against the tool's own server (`serve`): echo, whoami, inspect, JSON.
    case full
    /// Built-in commands only, for a manhole whose objects the tool does not know.
    case builtins

    /// The command for step `step` of session `session`, and the check of its reply.
    func command(session: Int, step: Int, user: String) -> (line: String, check: (Frame) -> String?) {
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
            return ("whoami", { Self.expect($0, containing: "\(user) (") })
        }
    }

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
