import CLibEdit
import ManholeWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the prompt reads keys: libedit is single-threaded, so its character function polls both
/// standard input and the manhole socket, and shows notices that arrive above the prompt
/// without disturbing the line being edited.
extension LineEditor {
    /// libedit's `EL_GETCFN`: waits for a key, showing notices and re-laying the line after a
    /// window resize meanwhile. Returns 1 with a character, 0 at the end of input (or once the
    /// connection is lost), -1 on an error.
    func readCharacter(into character: UnsafeMutablePointer<wchar_t>) -> Int32 {
        while true {
            guard showArrivals() else { return 0 }
            if manhole_take_window_resized() != 0 {
                el_resize(editLine)
                redraw()
            }
            var entries = [
                pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                pollfd(fd: socketDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&entries, socketDescriptor >= 0 ? 2 : 1, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return -1
            }
            if entries[0].revents != 0 { return readScalar(into: character) }
        }
    }

    /// Prints the notices that have arrived above the prompt; false once the connection is lost.
    private func showArrivals() -> Bool {
        guard let notices = arrivals() else {
            write(1, "\n", 1)
            return false
        }
        guard !notices.isEmpty else { return true }
        // Column 0 of the prompt's row, everything below cleared: the notices take the place of
        // the prompt and the line (all its rows), which are drawn again below them.
        clearInput()
        notices.forEach(noticePrinter)
        manhole_el_refresh(editLine)
        return true
    }

    /// Draws the prompt and the line again from column 0 (after a resize).
    private func redraw() {
        clearInput()
        manhole_el_refresh(editLine)
    }

    /// Moves the cursor up to the row the prompt starts on, to column 0, and clears from there
    /// to the end of the screen: a line that wraps over several rows is wiped whole (clearing
    /// only the cursor's row left its other rows behind, above the notices).
    private func clearInput() {
        let rows = cursorColumn() / Terminal.width()
        let text = (rows > 0 ? "\u{1B}[\(rows)A" : "") + "\r\u{1B}[J"
        write(1, text, text.utf8.count)
    }

    /// The cursor's column counted from the prompt's start, as if the input were one row.
    private func cursorColumn() -> Int {
        guard let info = el_wline(editLine)?.pointee, let buffer = info.buffer, let cursor = info.cursor else {
            return promptColumns
        }
        let before = UnsafeBufferPointer(start: buffer, count: max(0, cursor - buffer))
        return promptColumns + before.reduce(0) { $0 + max(0, Int(manhole_visual_width($1))) }
    }

    /// Reads one UTF-8 character from standard input (libedit's own reader decodes it too; a
    /// custom one must). An invalid sequence reads as U+FFFD.
    private func readScalar(into character: UnsafeMutablePointer<wchar_t>) -> Int32 {
        guard let first = readByte() else { return 0 }
        let length = first < 0x80 ? 1 : first >> 5 == 0b110 ? 2 : first >> 4 == 0b1110 ? 3 : first >> 3 == 0b11110 ? 4 : 0
        var bytes = [first]
        while bytes.count < length, let next = readByte() {
            bytes.append(next)
            if next & 0xC0 != 0x80 { break }
        }
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        if bytes.count == length, case .scalarValue(let scalar) = decoder.decode(&iterator) {
            character.pointee = wchar_t(scalar.value)
        } else {
            character.pointee = 0xFFFD
        }
        return 1
    }

    private func readByte() -> UInt8? {
        var byte: UInt8 = 0
        while true {
            let count = read(0, &byte, 1)
            if count == 1 { return byte }
            if count < 0, errno == EINTR { continue }
            return nil
        }
    }
}
