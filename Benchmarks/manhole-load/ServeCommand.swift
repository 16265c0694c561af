import ArgumentParser
import Foundation
import Manhole
import ManholeClient
import ManholeWire
import Reactor

/// `manhole-load serve`: the host the load tool starts in a child process. A manhole on
/// loopback with objects to inspect and an `echo` command whose replies prove they answer their
/// own request; optionally blocking work on the main thread, the host's own job.
///
/// Speaks to its parent over stdin/stdout: prints `ready port=N` once listening; answers a
/// `jobs` line with `jobs COUNT NANOSECONDS`; stops at `stop` or at the end of its input.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the load target (started by the other subcommands).", shouldDisplay: false)

    /// The account the child server accepts.
    static let user = "load"

    @Option(help: "Port to listen on (0: any free port).")
    var port = 0

    @Flag(help: "Run blocking jobs on the main thread, each reporting to the reactor with waitFor.")
    var hostWork = false

    @Option(help: "The shell's share of the reactor thread (Manhole.Configuration.shellShare).")
    var shellShare: Double?

    @Flag(help: "Register huge objects (big, bigset, bigarray, bigints: a million elements each) for the expensive workload.")
    var bigObjects = false

    @Option(help: "Maximum logged-in sessions.")
    var maxSessions = 128

    func run() throws {
        guard let password = ProcessEnvironment.password else {
            throw ValidationError("set MANHOLE_PASSWORD")
        }
        let reactor = Reactor.setup()
        var configuration = Manhole.Configuration()
        configuration.port = port
        configuration.maxSessions = maxSessions
        configuration.maxSessionsPerUser = maxSessions
        configuration.maxPendingLogins = maxSessions
        configuration.logger.logLevel = .warning
        if let shellShare { configuration.shellShare = shellShare }
        let work = HostWork(reactor: reactor)
        var namespace: [String: any Sendable] = ["load": LoadObjects(), "host": work.counter]
        if bigObjects { namespace.merge(BigObjects.namespace()) { $1 } }
        let manhole = try Manhole.start(
            accounts: [Account(name: Self.user, password: password)],
            namespace: namespace,
            configuration: configuration, reactor: reactor)
        try manhole.addCommand("echo", usage: "echo WORDS", help: "Replies with its arguments.", readOnly: true) {
            $0.argumentText
        }
        ProcessEnvironment.emit("ready port=\(manhole.port)")

        let stop = StopFlag()
        Thread.detachNewThread { ParentChannel.serve(counter: work.counter, stop: stop) }
        if hostWork {
            work.run(until: stop)
        } else {
            stop.wait()
        }
        manhole.stop()
        reactor.stop()
    }
}

/// What a load session inspects: a long array and a few fields, as a host's objects would be.
struct LoadObjects: Sendable {
    let name = "load-target"
    let items = Array(0..<1_000)
    let config = ["port": 5022, "workers": 4]
}

/// The parent's requests, one per line on stdin.
enum ParentChannel {
    static func serve(counter: JobCounter, stop: StopFlag) {
        while let line = readLine() {
            switch line {
            case "jobs":
                ProcessEnvironment.emit("jobs \(counter.count) \(DispatchTime.now().uptimeNanoseconds)")
            case "stop":
                stop.set()
                return
            default:
                ProcessEnvironment.emit("error unknown request '\(line)'")
            }
        }
        stop.set()
    }
}
