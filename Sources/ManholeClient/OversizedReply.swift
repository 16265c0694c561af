/// A frame header announced a payload larger than the client accepts
/// (``ManholeConnection/maximumPayloadBytes``). Thrown before anything is allocated or read for
/// the payload; the connection is closed, since the rest of the stream can no longer be framed.
public struct OversizedReply: Error, Sendable, Hashable, CustomStringConvertible {
    /// The payload size the header announced, in bytes.
    public let length: Int
    /// The most the client accepts, in bytes.
    public let limit: Int

    /// Creates the error.
    public init(length: Int, limit: Int) {
        self.length = length
        self.limit = limit
    }

    /// A one-line explanation.
    public var description: String {
        "the server announced a reply of \(length) bytes, more than the \(limit) this client accepts"
    }
}
