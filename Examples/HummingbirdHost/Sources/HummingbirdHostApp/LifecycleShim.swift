// SHIM: stands in for the root package's ManholeLifecycle until it lands on main; deleted then.
import Manhole
import Reactor
import ServiceLifecycle

struct ManholeService: Service {
    let manhole: Manhole
    init(_ manhole: Manhole, shutdownTimeout: Duration = .seconds(2)) { self.manhole = manhole }
    func run() async throws {
        try? await gracefulShutdown()
        manhole.stop()
    }
}

struct ReactorService: Service {
    let reactor: Reactor
    init(_ reactor: Reactor, stopTimeout: Duration = .seconds(5)) { self.reactor = reactor }
    func run() async throws {
        try? await gracefulShutdown()
        reactor.stop()
    }
}
