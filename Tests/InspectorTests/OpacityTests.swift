import Inspector
import NIOConcurrencyHelpers
import NIOCore
import Reactor
import Testing

/// A host type that marks itself opaque.
struct Vault: InspectorOpaque, Sendable {
    var secret = "s3cr3t-in-the-vault"
    var inspectorOpaqueSummary: String { "a vault" }
}

/// A host object that holds machinery next to its own data.
final class HostApp: @unchecked Sendable {
    let name = "host"
    let reactor: Reactor
    let inspector: Inspector
    let vault = Vault()
    let lock = NIOLockedValueBox("s3cr3t-behind-a-lock")
    let future: EventLoopFuture<String>

    init(reactor: Reactor, inspector: Inspector) {
        self.reactor = reactor
        self.inspector = inspector
        future = reactor.eventLoop.makeSucceededFuture("s3cr3t-in-a-future")
    }
}

@Suite("Opaque machinery: the Inspector does not look inside reactors, inspectors, NIO objects or InspectorOpaque values")
struct OpacityTests {
    @Test("Machinery renders as a summary with no children, and no path goes through it")
    func machineryIsOpaque() async throws {
        let reactor = Reactor()
        defer { reactor.stop() }
        let inspector = Inspector(reactor: reactor)
        let app = HostApp(reactor: reactor, inspector: inspector)
        inspector.register("app", app)
        inspector.register("inspector", inspector)
        inspector.register("reactor", reactor)
        // The inspector holds itself and the app that holds it: break the cycles (LeakSanitizer).
        defer { for name in ["app", "inspector", "reactor"] { inspector.remove(name) } }
        let options = RenderOptions(maxDepth: 8).withWorkLimit(.unlimited)
        for entry in ["app", "inspector", "reactor"] {
            let text = try await inspector.inspect(entry, options: options).plainText
            #expect(!text.contains("s3cr3t"), "\(text)")
        }
        let text = try await inspector.inspect("app", options: options).plainText
        #expect(text.contains("name: String = \"host\""))
        #expect(text.contains("vault: Vault = a vault\n"))
        #expect(text.contains("reactor: Reactor = not inspected (manhole machinery)\n"))
        #expect(text.contains("inspector: Inspector = not inspected (manhole machinery)\n"))
        await #expect(throws: PathError.self) { try await inspector.inspect("app.vault.secret") }
        await #expect(throws: PathError.self) { try await inspector.inspect("reactor.results") }
        #expect(try await inspector.complete("app.vault.").isEmpty)
        #expect(try await inspector.complete("inspector.").isEmpty)
        // Plain values of those modules are still shown.
        #expect(!Renderer().render(TimeAmount.seconds(3), label: "t").plainText.contains("not inspected"))
    }
}
