// manhole-demo: a small service whose main thread does blocking work while the reactor runs
// background work beside it. The manhole listener joins it with the Manhole issue; for now it
// shows the Reactor layer: blocking calls into the reactor, timers and stashed results that can
// be listed from any thread, and a clean stop when main returns.
import ArgumentParser
import Foundation
import Logging
import Reactor
import Synchronization

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manhole-demo",
        abstract: "A demo service: blocking jobs on the main thread, background work on the reactor.")

    @Option(help: "How many jobs the main thread processes before it returns.")
    var jobs = 20

    func run() throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let reactor = Reactor.setup()
        let refreshes = Atomic<Int>(0)
        let refresher = reactor.loopingCall(every: .milliseconds(50), name: "refresh-stats") {
            refreshes.add(1, ordering: .relaxed)
        }
        _ = reactor.callLater(.seconds(3600), name: "nightly-report") {}
        let pending = reactor.runInReactor { reactor.makeDeferred(of: String.self) }.stash()
        let failed = reactor.runInReactor { () throws -> Int in throw DemoError.upstreamUnavailable }.stash()

        var total = 0
        for job in 1...jobs {
            // Blocking work on the main thread, with a blocking call into the reactor per job.
            let weight = try reactor.waitFor(timeout: .seconds(1)) { job * 10 }
            Thread.sleep(forTimeInterval: 0.01)
            total += weight
        }
        print("main thread processed \(jobs) jobs (total weight \(total)); the reactor refreshed \(refreshes.load(ordering: .relaxed)) times meanwhile")

        print("\nlive timers:")
        for timer in reactor.timers(limit: 20) {
            let interval = timer.interval.map { " every \($0)" } ?? ""
            print("  #\(timer.id) \(timer.name) (\(timer.kind)) due in \(timer.dueIn())\(interval), ran \(timer.runCount)×, from \(timer.callSite)")
        }
        print("\nstashed results:")
        for result in reactor.stashedResults(limit: 20) {
            let failure = result.failureDescription.map { ": \($0)" } ?? ""
            print("  #\(result.id) \(result.valueType) \(result.state)\(failure), age \(result.age()), from \(result.callSite)")
        }
        print("\nretrieving #\(failed): ", terminator: "")
        do {
            _ = try reactor.retrieveResult(failed, as: Int.self).wait(timeout: .seconds(1))
        } catch {
            print("failed as expected: \(error)")
        }
        refresher.stop()
        print("main returns with result #\(pending) still pending: the reactor stops at exit, interrupting it.")
    }
}

enum DemoError: Error {
    case upstreamUnavailable
}

Demo.main()
