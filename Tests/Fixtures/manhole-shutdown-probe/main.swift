// A child process for the shutdown-under-load tests and benchmark: a process with a manhole whose
// sessions are busy, 100 threads blocked in `waitFor` and 1,000 timers pending, told on standard
// input how to end:
//   stop    — calls `Reactor.stop()`, joins the waiter threads, returns from main;
//   return  — returns from main at once: the reactor's `atexit` handler stops it.
// It prints `ready port=PORT …` when set up, and at exit (on both paths) the outcome lines
// `waiters stopped=N other=M`, `timers fired-after-stop=N runs=R` and `exiting`.
import Foundation
import Manhole
import ManholeClient
import ManholeTesting
import ManholeWire
import Reactor

/// The object the sessions inspect.
struct ProbeConfig: Sendable {
    var port = 8080
    var name = "probe"
}

/// Sets the process up, waits for the command, and returns for `stop` and `return` alike.
func runProbe() throws {
    // Registered before `Reactor.setup()` registers its own: `atexit` handlers run in reverse order,
    // so the report comes after the reactor has stopped.
    atexit { report() }

    let reactor = Reactor.setup()

    var configuration = Manhole.Configuration()
    configuration.port = 0
    // Fast logins; clients of this probe lower their minimum to match (production: 210,000).
    configuration.pbkdf2Iterations = FastLogin.iterations
    configuration.maxSessions = 128
    configuration.maxSessionsPerUser = 128
    configuration.maxPendingLogins = 128
    // This probe is about shutdown, not the budget: its 100 looping calls make the host busy, and
    // under the sanitizers the default share (5 % while the host works) would stretch its 64
    // logins past the 10 s login timeout. ShellBudgetTests and host-benchmark check the share.
    configuration.shellShare = 1
    configuration.logger.logLevel = .error
    let manhole = try Manhole.start(
        accounts: [Account(name: ShutdownProbe.user, password: ShutdownProbe.password, role: .admin)],
        namespace: ["config": ProbeConfig()], configuration: configuration, reactor: reactor)
    // Read on a queue of its own: an `inspect` of it is still in flight across loop turns, so the
    // goodbye can find a session in the middle of a command.
    manhole.inspector.register("queued", ProbeConfig(port: 9090), readOn: .queue(DispatchQueue(label: "probe-queue")))

    // 1,000 timers: 900 one-shot calls due from 1 s to 10 min (a few fire while the probe runs) and
    // 100 looping calls every 5–104 ms, so that some are always due when the reactor stops.
    // "After stop" is judged on the reactor thread, where timer bodies and shutdown hooks both run:
    // a body that begins after the stop's hook ran is a timer that outlived the stop. (Reading
    // `reactor.isStopped` in the body instead raced with `stop()` closing the gate on another
    // thread while a body that had already begun was starting: seen once under TSan.)
    reactor.addShutdownHook(name: "probe: stop reached the reactor thread") {
        Outcomes.stopHookRan.store(true, ordering: .sequentiallyConsistent)
    }
    let timerBody: @Sendable () -> Void = {
        if Outcomes.stopHookRan.load(ordering: .sequentiallyConsistent) {
            Outcomes.timersAfterStop.add(1, ordering: .sequentiallyConsistent)
        }
        Outcomes.timerRuns.add(1, ordering: .relaxed)
    }
    // The reactor's timer registry keeps the calls alive until they fire or are cancelled.
    for index in 0..<900 {
        _ = reactor.callLater(.seconds(1 + index * 2 / 3), name: "probe-later-\(index)", timerBody)
    }
    for index in 0..<100 {
        _ = reactor.loopingCall(every: .milliseconds(5 + index), name: "probe-loop-\(index)", timerBody)
    }
    // Counted now: by the time the waiters below are parked (slow under sanitizers), the first
    // one-shot calls may have fired and left the registry.
    let timersScheduled = reactor.timerCount

    // 100 threads blocked in waitFor on a deferred nobody fires.
    let waiters = DispatchGroup()
    for _ in 0..<Outcomes.waiterCount {
        waiters.enter()
        Thread.detachNewThread {
            defer { waiters.leave() }
            do {
                _ = try reactor.waitFor(timeout: .seconds(60)) { reactor.makeDeferred(of: Int.self) }
                Outcomes.waitersOther.add(1, ordering: .sequentiallyConsistent)
            } catch ReactorError.stopped {
                Outcomes.waitersStopped.add(1, ordering: .sequentiallyConsistent)
            } catch {
                say("waiter got \(error)")
                Outcomes.waitersOther.add(1, ordering: .sequentiallyConsistent)
            }
        }
    }
    while reactor.trackedResults().reduce(0, { $0 + $1.waiters }) < Outcomes.waiterCount { usleep(1_000) }

    say("ready port=\(manhole.port) timers=\(timersScheduled) waiters=\(Outcomes.waiterCount)")

    let command = readLine() ?? "return"
    switch command {
    case "stop":
        reactor.stop()
        if waiters.wait(timeout: .now() + .seconds(10)) == .timedOut { say("waiter threads did not end") }
    case "return":
        break
    default:
        say("unknown command \(command)")
        exit(64)
    }
}

try runProbe()
// Falling off the end of main: exit() runs the reactor's atexit handler, then report().
