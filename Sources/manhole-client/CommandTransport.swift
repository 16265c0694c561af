import CLibEdit
import ManholeClient
import ManholeWire

/// Sends one command line and returns the server's reply frame: the session's only need of the
/// network, so that it can be tested with a fake.
protocol CommandTransport: AnyObject {
    /// Sends `command` (prefixed with `@json ` when `json`) and reads its reply.
    /// - Throws: When the connection fails; the session then counts it as lost.
    func send(_ command: String, json: Bool) throws -> Frame
    /// The notices that arrived while replies were read, oldest first, forgotten once taken.
    func takeNotices() -> [Frame]
    /// Reads what has arrived without waiting (notices, kept for ``CommandTransport/takeNotices()``); returns a
    /// frame that is not a notice (the server's `BYE`) if one came.
    func readArrived() throws -> Frame?
    /// The answers to `interrupt` lines sent (by Ctrl-C) while the last command ran.
    func takeInterruptAnswers() -> [Frame]
    /// Waits while a follow (`log --follow`) streams notices, handing each to `show`, until
    /// Ctrl-C has sent `interrupt` and its answers arrived; returns them (or the server's `BYE`).
    func follow(showing show: (Frame) -> Void) throws -> [Frame]
}

extension CommandTransport {
    func takeNotices() -> [Frame] { [] }
    func readArrived() throws -> Frame? { nil }
    func takeInterruptAnswers() -> [Frame] { [] }
    func follow(showing show: (Frame) -> Void) throws -> [Frame] { [] }
}

extension ManholeConnection: CommandTransport {
    func send(_ command: String, json: Bool) throws -> Frame {
        try run(command, json: json)
    }

    func readArrived() throws -> Frame? { try readArrivedFrames() }
}

/// The single-target client's transport: a connection whose commands Ctrl-C can interrupt once
/// `manhole_install_signal_handlers()` (CLibEdit) ran (interactive mode). The SIGINT handler
/// writes `interrupt` lines itself; this reads their answers as well as the command's reply.
final class InterruptibleTransport: CommandTransport {
    private let connection: ManholeConnection
    private var interruptAnswers: [Frame] = []

    /// Wraps a logged-in connection.
    init(_ connection: ManholeConnection) { self.connection = connection }

    /// The connection's socket, which SIGINT writes `interrupt` to and the prompt polls.
    var descriptor: Int32 { connection.socket.fileDescriptor }

    func send(_ command: String, json: Bool) throws -> Frame {
        try connection.socket.write((json ? "@json " : "") + command + "\n")
        // Armed only once the line is written whole: every `interrupt` follows it, so the
        // command's reply is the frame with the lowest sequence number.
        let frames = try collectAnswers(minimum: 1) { try connection.readFrame() }
        if let bye = frames.first(where: { $0.kind == .bye }) { return bye }
        guard let reply = frames.min(by: { $0.sequence < $1.sequence }) else {
            throw ManholeConnection.LoginFailure.protocolError("no reply")
        }
        interruptAnswers += frames.filter { $0.sequence != reply.sequence }
        return reply
    }

    func takeNotices() -> [Frame] { connection.takeNotices() }

    func readArrived() throws -> Frame? { try connection.readArrivedFrames() }

    func takeInterruptAnswers() -> [Frame] {
        defer { interruptAnswers = [] }
        return interruptAnswers
    }

    func follow(showing show: (Frame) -> Void) throws -> [Frame] {
        try collectAnswers(minimum: 0) {
            while true {
                // Waits for the socket; Ctrl-C wakes the poll (EINTR), then the answer does.
                if connection.socket.hasInput(waitingMilliseconds: -1), let frame = try connection.readArrivedFrames() {
                    connection.takeNotices().forEach(show)
                    return frame
                }
                connection.takeNotices().forEach(show)
                if manhole_interrupts_sent() > 0 { return nil }
            }
        }
    }

    /// Reads frames with Ctrl-C armed until `minimum` frames plus one answer per `interrupt`
    /// sent have come (a `BYE` ends it at once). `next` returns a frame, or `nil` when it only
    /// woke up to look at the count again.
    private func collectAnswers(minimum: Int, next: () throws -> Frame?) throws -> [Frame] {
        manhole_interrupt_arm(descriptor)
        var armed = true
        defer { if armed { _ = manhole_interrupt_disarm() } }
        var frames: [Frame] = []
        var expected = minimum
        while true {
            if frames.contains(where: { $0.kind == .bye }) { return frames }
            let sent = Int(manhole_interrupts_sent())
            if armed, frames.count >= minimum + sent, minimum + sent > 0 {
                // Disarmed, the count is final: read the answers still on their way.
                expected = minimum + Int(manhole_interrupt_disarm())
                armed = false
            }
            if !armed, frames.count >= expected { return frames }
            if let frame = try next() { frames.append(frame) }
        }
    }
}
