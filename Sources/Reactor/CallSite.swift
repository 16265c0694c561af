/// Where a piece of work was handed to the reactor: the `#fileID`, `#line` and `#function` of the
/// call to `runInReactor`, `callLater` or `loopingCall`.
///
/// Every timer and result remembers its call site so that a listing taken during an incident
/// points at the code that created the entry, the way a SwiftNIO promise remembers where it was made.
package struct CallSite: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The `#fileID` of the call, e.g. `"MyApp/Jobs.swift"`.
    package var fileID: String
    /// The `#line` of the call.
    package var line: Int
    /// The `#function` that made the call.
    package var function: String

    /// Creates a call site; the defaults capture the caller's location.
    package init(fileID: String = #fileID, line: Int = #line, function: String = #function) {
        self.fileID = fileID
        self.line = line
        self.function = function
    }

    /// `fileID:line`, the short form shown in listings.
    package var description: String { "\(fileID):\(line)" }
}
