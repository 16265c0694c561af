/// Lets a type choose how the Inspector shows it, instead of the `Mirror` default.
///
/// Implementations run in the entry's read context (the reactor thread, its queue or its actor),
/// like any other read. Keep them cheap: ``inspectorChildren`` is read whenever the value is
/// expanded, so a type holding a million items should return a page or a summary child, not all.
///
/// ```swift
/// extension ConnectionPool: InspectorRepresentable {
///     var inspectorSummary: String { "\(active.count) active, \(idle.count) idle" }
///     var inspectorChildren: [(label: String, value: Any)]? { [("active", active), ("idle", idle)] }
/// }
/// ```
public protocol InspectorRepresentable {
    /// The one-line summary shown after the type name.
    var inspectorSummary: String { get }
    /// The labelled children shown below the value and reachable by path, or `nil` to use the
    /// value's `Mirror`. The default is `nil`.
    var inspectorChildren: [(label: String, value: Any)]? { get }
}

extension InspectorRepresentable {
    /// Uses the value's `Mirror` for children.
    public var inspectorChildren: [(label: String, value: Any)]? { nil }
}
