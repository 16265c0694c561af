import NIOConcurrencyHelpers

/// Type names by type: `String(reflecting:)` demangles on every call, which made listing the
/// stash cost a microsecond per row.
private let typeNames = NIOLockedValueBox<[ObjectIdentifier: String]>([:])

/// The fully qualified name of `type`, cached.
func typeName(of type: Any.Type) -> String {
    let key = ObjectIdentifier(type)
    if let name = typeNames.withLockedValue({ $0[key] }) { return name }
    let name = String(reflecting: type)
    typeNames.withLockedValue { $0[key] = name }
    return name
}
