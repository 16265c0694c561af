import ManholeWire

/// A key the line editor acts on, decoded from the bytes a terminal sends.
enum TerminalKey: Equatable, Sendable {
    /// A printable scalar (never a control: see ``Quoting/isTerminalControl(_:)``).
    case text(Unicode.Scalar)
    /// CR, LF or CRLF.
    case enter
    /// Tab.
    case tab
    /// Backspace (DEL or Ctrl-H).
    case backspace
    /// Delete (`ESC [ 3 ~`).
    case delete
    /// Ctrl-D: end of input on an empty line, else delete.
    case controlD
    /// Left arrow or Ctrl-B.
    case left
    /// Right arrow or Ctrl-F.
    case right
    /// Home or Ctrl-A.
    case home
    /// End or Ctrl-E.
    case end
    /// Up arrow or Ctrl-P.
    case up
    /// Down arrow or Ctrl-N.
    case down
    /// Ctrl-U.
    case killToStart
    /// Ctrl-K.
    case killToEnd
    /// Ctrl-W.
    case deleteWordLeft
    /// Ctrl-L.
    case clearScreen
    /// Ctrl-C.
    case interrupt
    /// `ESC [ 200 ~`: what follows was pasted.
    case pasteStart
    /// `ESC [ 201 ~`: the paste ended.
    case pasteEnd
}

/// Turns the bytes a terminal sends into keys, one byte at a time, so that a key split across
/// reads (a UTF-8 character, an escape sequence) decodes the same. Bounded: it holds at most
/// one UTF-8 character and an escape sequence of at most ``sequenceLimit`` bytes; a longer
/// sequence is skipped to its final byte. Unknown sequences and other control bytes make no key.
struct TerminalKeyDecoder: Sendable {
    /// The longest escape sequence kept, in bytes after the ESC.
    static let sequenceLimit = 32

    private enum State: Equatable {
        case ground
        case escape
        case csi
        case ss3
        /// A CSI sequence too long to keep: skipped up to its final byte.
        case skippingCSI
    }

    private var state = State.ground
    private var sequence: [UInt8] = []
    /// A CR was the last byte: an LF right after it belongs to the same Enter.
    private var afterCR = false
    private var scalarValue: UInt32 = 0
    private var continuationBytes = 0
    private var minimumScalar: UInt32 = 0

    /// The key `byte` completes, if any.
    mutating func next(_ byte: UInt8) -> TerminalKey? {
        let wasAfterCR = afterCR
        afterCR = false
        switch state {
        case .ground:
            return ground(byte, afterCR: wasAfterCR)
        case .escape:
            state = .ground
            switch byte {
            case UInt8(ascii: "["): state = .csi
            case UInt8(ascii: "O"): state = .ss3
            case 0x20...0x7E: break  // Alt plus a key: not bound
            default: return ground(byte, afterCR: false)  // a lone ESC, then the next key
            }
            return nil
        case .ss3:
            state = .ground
            switch byte {
            case UInt8(ascii: "C"): return .right
            case UInt8(ascii: "D"): return .left
            case UInt8(ascii: "H"): return .home
            case UInt8(ascii: "F"): return .end
            case UInt8(ascii: "A"): return .up
            case UInt8(ascii: "B"): return .down
            case 0x20...0x7E: return nil
            default: return ground(byte, afterCR: false)
            }
        case .csi, .skippingCSI:
            return csi(byte)
        }
    }

    private mutating func ground(_ byte: UInt8, afterCR: Bool) -> TerminalKey? {
        if continuationBytes > 0 {
            if byte & 0xC0 == 0x80 { return continueScalar(byte) }
            continuationBytes = 0  // a character cut short: dropped, and this byte read anew
        }
        switch byte {
        case 0x01: return .home
        case 0x02: return .left
        case 0x03: return .interrupt
        case 0x04: return .controlD
        case 0x05: return .end
        case 0x06: return .right
        case 0x08, 0x7F: return .backspace
        case 0x09: return .tab
        case 0x0A: return afterCR ? nil : .enter
        case 0x0B: return .killToEnd
        case 0x0C: return .clearScreen
        case 0x0D:
            self.afterCR = true
            return .enter
        case 0x0E: return .down
        case 0x10: return .up
        case 0x15: return .killToStart
        case 0x17: return .deleteWordLeft
        case 0x1B:
            state = .escape
            sequence.removeAll(keepingCapacity: true)
            return nil
        case 0x20..<0x7F: return .text(Unicode.Scalar(byte))
        case 0xC2...0xDF: startScalar(byte & 0x1F, following: 1, minimum: 0x80)
        case 0xE0...0xEF: startScalar(byte & 0x0F, following: 2, minimum: 0x800)
        case 0xF0...0xF4: startScalar(byte & 0x07, following: 3, minimum: 0x10000)
        default: break  // other controls, stray continuation bytes, bytes UTF-8 never uses
        }
        return nil
    }

    private mutating func startScalar(_ bits: UInt8, following: Int, minimum: UInt32) {
        scalarValue = UInt32(bits)
        continuationBytes = following
        minimumScalar = minimum
    }

    private mutating func continueScalar(_ byte: UInt8) -> TerminalKey? {
        scalarValue = scalarValue << 6 | UInt32(byte & 0x3F)
        continuationBytes -= 1
        guard continuationBytes == 0 else { return nil }
        // Overlong forms, surrogates and values past U+10FFFF are not characters: dropped.
        guard scalarValue >= minimumScalar, let scalar = Unicode.Scalar(scalarValue) else { return nil }
        return Quoting.isTerminalControl(scalar) ? nil : .text(scalar)
    }

    private mutating func csi(_ byte: UInt8) -> TerminalKey? {
        switch byte {
        case 0x20...0x3F:
            // Parameters and intermediates: kept up to the bound, then the sequence is skipped.
            if state == .csi {
                if sequence.count < Self.sequenceLimit {
                    sequence.append(byte)
                } else {
                    state = .skippingCSI
                }
            }
            return nil
        case 0x40...0x7E:
            let skipped = state == .skippingCSI
            state = .ground
            return skipped ? nil : csiKey(final: byte)
        default:
            state = .ground  // a control byte ends the sequence and counts as a key of its own
            return ground(byte, afterCR: false)
        }
    }

    private func csiKey(final: UInt8) -> TerminalKey? {
        let parameters = String(decoding: sequence, as: UTF8.self)
        switch (final, parameters) {
        case (UInt8(ascii: "A"), ""): return .up
        case (UInt8(ascii: "B"), ""): return .down
        case (UInt8(ascii: "C"), ""): return .right
        case (UInt8(ascii: "D"), ""): return .left
        case (UInt8(ascii: "H"), ""): return .home
        case (UInt8(ascii: "F"), ""): return .end
        case (UInt8(ascii: "~"), "1"), (UInt8(ascii: "~"), "7"): return .home
        case (UInt8(ascii: "~"), "4"), (UInt8(ascii: "~"), "8"): return .end
        case (UInt8(ascii: "~"), "3"): return .delete
        case (UInt8(ascii: "~"), "200"): return .pasteStart
        case (UInt8(ascii: "~"), "201"): return .pasteEnd
        default: return nil
        }
    }
}
