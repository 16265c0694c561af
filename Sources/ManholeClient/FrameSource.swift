/// Where a client reads frames from: a line at a time, then an exact number of bytes.
/// ``BlockingSocket`` is the real one; the fuzz targets read frames from bytes in memory.
package protocol FrameSource {
    /// Reads up to and without the next `\n`; throws once more than `maximum` bytes arrive without one.
    func readLine(maximum: Int) throws -> [UInt8]
    /// Reads exactly `count` bytes.
    func read(exactly count: Int) throws -> [UInt8]
}

extension BlockingSocket: FrameSource {}
