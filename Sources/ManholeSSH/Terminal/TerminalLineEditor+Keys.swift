/// What each key does to the line, the history and the screen.
extension TerminalLineEditor {
    /// Acts on one key. Edits only mark the line for a redraw (``flush()`` writes one per feed,
    /// so a paste into the middle of a long line costs one redraw, not one per character); keys
    /// that write below the line first bring the screen up to date.
    mutating func handle(_ key: TerminalKey, output: inout [UInt8], events: inout [Event]) {
        if inPaste {
            pasted(key, output: &output, events: &events)
            return
        }
        switch key {
        case .text(let scalar): output += insert(scalar)
        case .enter: submit(output: &output, events: &events)
        case .tab:
            let before = String(buffer.characters[..<buffer.cursor])
            pendingCompletion = before
            events.append(.complete(line, cursor: buffer.cursor))
        case .backspace: output += edited(buffer.deleteBackward())
        case .delete: output += edited(buffer.deleteForward())
        case .controlD:
            if buffer.characters.isEmpty {
                output += flush()
                output += Self.crlf
                cursorRow = 0
                drawnRows = 0
                isSuspended = true
                events.append(.endOfInput)
            } else {
                output += edited(buffer.deleteForward())
            }
        case .left: output += edited(buffer.move(to: buffer.cursor - 1))
        case .right: output += edited(buffer.move(to: buffer.cursor + 1))
        case .home: output += edited(buffer.move(to: 0))
        case .end: output += edited(buffer.move(to: buffer.characters.count))
        case .up: output += recall(older: true)
        case .down: output += recall(older: false)
        case .killToStart: output += edited(buffer.killToStart())
        case .killToEnd: output += edited(buffer.killToEnd())
        case .deleteWordLeft: output += edited(buffer.deleteWordLeft())
        case .clearScreen:
            // Home, clear the screen, and the prompt and line at its top.
            output += [0x1B, 0x5B, 0x48, 0x1B, 0x5B, 0x32, 0x4A]
            cursorRow = 0
            drawnRows = 0
            needsRedraw = true
        case .interrupt:
            output += flush()
            output += moveToEnd()
            output += Array("^C".utf8) + Self.crlf
            buffer.clear()
            historyPosition = nil
            pendingCompletion = nil
            cursorRow = 0
            drawnRows = 0
            needsRedraw = true
            events.append(.interrupt)
        case .pasteStart: inPaste = true
        case .pasteEnd: break
        }
    }

    /// Pasted text is text: Enter submits (a pasted line runs, as in a shell), a tab becomes a
    /// space, and every other key is ignored, so a paste cannot edit or complete.
    private mutating func pasted(_ key: TerminalKey, output: inout [UInt8], events: inout [Event]) {
        switch key {
        case .text(let scalar): output += insert(scalar)
        case .tab: output += insert(" ")
        case .enter: submit(output: &output, events: &events)
        case .pasteEnd: inPaste = false
        case .interrupt:
            inPaste = false  // the way out of a paste whose end marker was lost
            handle(key, output: &output, events: &events)
        default: break
        }
    }

    /// Inserts a scalar; at the end of a line the screen shows as it is, echoing it is enough,
    /// else the line is marked for a redraw.
    private mutating func insert(_ scalar: Unicode.Scalar) -> [UInt8] {
        let width = TerminalCellWidth.of(scalar)
        switch buffer.insert(scalar) {
        case .full:
            return ringOnce()
        case .added where buffer.cursorAtEnd && width > 0 && !needsRedraw:
            return echo(scalar, width: width)
        case .added, .joined:
            needsRedraw = true
            return []
        }
    }

    private mutating func submit(output: inout [UInt8], events: inout [Event]) {
        output += flush()
        output += moveToEnd()
        if endCell.column > 0 || endCell.row == 0 { output += Self.crlf }
        let submitted = line
        history.add(submitted)
        buffer.clear()
        historyPosition = nil
        pendingCompletion = nil
        cursorRow = 0
        drawnRows = 0
        isSuspended = true
        events.append(.submit(submitted))
    }

    private mutating func edited(_ changed: Bool) -> [UInt8] {
        if changed { needsRedraw = true }
        return []
    }

    /// The bell, once per feed: a flood of refused keys rings once, not once per byte.
    private mutating func ringOnce() -> [UInt8] {
        guard !rang else { return [] }
        rang = true
        return Self.bell
    }

    /// The redraw the keys so far call for, if any.
    mutating func flush() -> [UInt8] {
        guard needsRedraw else { return [] }
        return redraw()
    }

    /// Steps through the history; the line being typed is kept as the newest entry, and comes
    /// back below the last one. An edit to a recalled line is not kept in the history.
    private mutating func recall(older: Bool) -> [UInt8] {
        let newest = history.count
        let current = historyPosition ?? newest
        let target = older ? current - 1 : current + 1
        guard target >= 0, target <= newest else { return ringOnce() }
        if historyPosition == nil { draft = line }
        historyPosition = target == newest ? nil : target
        buffer.replace(with: target == newest ? draft : history[target])
        needsRedraw = true
        return []
    }
}
