public import ManholeClient
public import ManholeWire

/// Reads frames until the server closes the connection; returns them.
public func framesUntilClosed(_ connection: ManholeConnection) -> [Frame] {
    var frames: [Frame] = []
    while let frame = try? connection.readFrame() { frames.append(frame) }
    return frames
}
