import ManholeWire
import NIOConcurrencyHelpers
import NIOCore

/// A type the Inspector shows as a one-line summary and never looks inside: machinery that
/// holds secrets (credential stores, login exchanges) or leads to them (servers, sessions,
/// channels).
///
/// Walking such a value with `Mirror` could reach stored keys and salts of the accounts through
/// fields no shell user should read, so a value of a conforming type renders as its type and
/// ``inspectorOpaqueSummary``, has no children, and no path goes through it. The Manhole
/// module's own types conform. Independently of this protocol, the Inspector treats as opaque:
/// every type of the `Manhole` and swift-crypto modules; class instances of the `Reactor`,
/// `Inspector` and SwiftNIO modules (`Reactor`, `Inspector`, event loops, futures, locks…); and
/// any channel, event loop, event loop group, channel handler, pipeline or handler context.
public protocol InspectorOpaque {
    /// The one line shown instead of the value's contents. It must not reveal what the value
    /// protects. The default says the value is not inspected.
    var inspectorOpaqueSummary: String { get }
}

extension InspectorOpaque {
    /// `not inspected (manhole machinery)`.
    public var inspectorOpaqueSummary: String { Opacity.defaultSummary }
}

/// Which values the Inspector does not look inside (see ``InspectorOpaque``), decided once per type.
enum Opacity {
    static let defaultSummary = "not inspected (manhole machinery)"

    /// Modules whose every type is opaque.
    private static let opaqueModules: Set<Substring> = ["Manhole", "Crypto", "_CryptoExtras", "CryptoBoringWrapper"]
    /// Modules whose class instances are opaque (their plain values, like `TimeAmount`, are shown).
    private static let machineryModules: Set<Substring> = ["Reactor", "Inspector"]

    private static let decisions = NIOLockedValueBox<[ObjectIdentifier: Bool]>([:])

    /// The summary to show instead of `value`'s contents, or `nil` when the value may be inspected.
    static func summary(of value: Any) -> String? {
        guard isOpaque(type(of: value)) else { return nil }
        if let opaque = value as? any InspectorOpaque { return Quoting.oneLine(opaque.inspectorOpaqueSummary) }
        return defaultSummary
    }

    /// Whether values of `type` are opaque.
    static func isOpaque(_ type: Any.Type) -> Bool {
        let key = ObjectIdentifier(type)
        if let known = decisions.withLockedValue({ $0[key] }) { return known }
        let decision = decide(type)
        decisions.withLockedValue { $0[key] = decision }
        return decision
    }

    private static func decide(_ type: Any.Type) -> Bool {
        if type is any InspectorOpaque.Type { return true }
        if type is any Channel.Type || type is any EventLoop.Type || type is any EventLoopGroup.Type
            || type is any ChannelHandler.Type || type is ChannelPipeline.Type || type is ChannelHandlerContext.Type
            || type is NIOLock.Type
        {
            return true
        }
        let name = String(reflecting: type)
        guard let dot = name.firstIndex(of: ".") else { return false }
        let module = name[..<dot]
        if opaqueModules.contains(module) { return true }
        let isClass = type is AnyClass
        if isClass, machineryModules.contains(module) || module.hasPrefix("NIO") || module.hasPrefix("_NIO") { return true }
        return false
    }
}
