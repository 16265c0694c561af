import ManholeClient
import ManholeWire

/// Whether the server has closed the connection (a read ends with `closed`).
func isClosed(_ connection: ManholeConnection) -> Bool {
    do {
        _ = try connection.socket.readLine()
        return false
    } catch BlockingSocket.Failure.closed {
        return true
    } catch {
        return false
    }
}

/// Hands a value to another thread when the test knows only one thread uses it at a time.
struct Handoff<Value>: @unchecked Sendable {
    let value: Value
}
