// A child process for the Reactor tests: it checks what only a whole process can show.
//   waiters  — the main thread returns while three threads are blocked in waitFor; the
//              reactor's exit handler must wake them with `stopped`, run hooks, and let the
//              process exit promptly.
//   nosetup  — the process-wide reactor attached to a loop the "host" owns.
//   signal   — `stopOnSignals()`: waits for SIGINT/SIGTERM with two threads in waitFor; the
//              signal must wake them, run the hooks in their phases and exit with 128 + signo.
//   signal-return — `stopOnSignals(exitsProcess: false)`: main's own waitFor gets `stopped`
//              and main returns (status 0).
//   signal-twice — a beforeStop hook that takes 30 s: a second signal exits at once.
//   stash-at-exit — a failed result left in the stash when main returns: the exit's stop logs it.
import Foundation
import NIOCore
import NIOPosix
import Reactor
import Synchronization

/// Writes a line straight to standard output (unbuffered, so nothing is lost at exit).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let mode = CommandLine.arguments.dropFirst().first ?? "waiters"
switch mode {
case "waiters":
    let reactor = Reactor.setup()
    let interrupted = Atomic<Int>(0)
    reactor.addShutdownHook(name: "count-waiters") {
        // Hooks run after waiters were woken: give their threads a moment to report.
        let deadline = Date().addingTimeInterval(10)
        while interrupted.load(ordering: .relaxed) < 3, Date() < deadline { usleep(1_000) }
        say("hook: \(interrupted.load(ordering: .relaxed)) waiters interrupted")
    }
    for _ in 0..<3 {
        Thread.detachNewThread {
            do {
                _ = try reactor.waitFor(timeout: .seconds(600)) { reactor.makeDeferred(of: Int.self) }
                say("waiter returned")
            } catch {
                say("waiter interrupted: \(error)")
                interrupted.add(1, ordering: .relaxed)
            }
        }
    }
    while reactor.trackedResults().reduce(0, { $0 + $1.waiters }) < 3 { usleep(1_000) }
    say("ready: 3 waiting")
// Falling off the end of main: exit() runs the reactor's atexit handler.
case "nosetup":
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let hostLoop = group.next()
    let attached = Reactor.noSetup(eventLoop: hostLoop)
    say("setup returns the attached reactor: \(Reactor.setup() === attached)")
    let onHost = (try? attached.waitFor(timeout: .seconds(30)) { hostLoop.inEventLoop }) ?? false
    say("body ran on the host loop: \(onHost)")
    attached.stop()
    let alive = (try? hostLoop.submit { true }.wait()) ?? false
    say("host loop alive after stop: \(alive)")
case "signal":
    let reactor = Reactor.setup()
    reactor.stopOnSignals()
    let interrupted = Atomic<Int>(0)
    reactor.addShutdownHook(name: "drain", phase: .beforeStop) { say("beforeStop hook: stopped=\(reactor.isStopped)") }
    reactor.addShutdownHook(name: "cleanup") {
        let deadline = Date().addingTimeInterval(10)
        while interrupted.load(ordering: .relaxed) < 2, Date() < deadline { usleep(1_000) }
        say("cleanup hook: \(interrupted.load(ordering: .relaxed)) waiters interrupted")
    }
    for _ in 0..<2 {
        Thread.detachNewThread {
            do {
                _ = try reactor.waitFor(timeout: .seconds(600)) { reactor.makeDeferred(of: Int.self) }
            } catch {
                say("waiter: \(error)")
                interrupted.add(1, ordering: .relaxed)
            }
        }
    }
    while reactor.trackedResults().reduce(0, { $0 + $1.waiters }) < 2 { usleep(1_000) }
    say("ready")
    while true { sleep(1) }
case "signal-return":
    let reactor = Reactor.setup()
    reactor.stopOnSignals(exitsProcess: false)
    reactor.addShutdownHook(name: "cleanup") { say("cleanup hook ran") }
    say("ready")
    do {
        _ = try reactor.waitFor(timeout: .seconds(600)) { reactor.makeDeferred(of: Int.self) }
    } catch {
        say("main: \(error)")
    }
    say("main returns")
case "signal-twice":
    let reactor = Reactor.setup()
    reactor.stopOnSignals()
    reactor.addShutdownHook(name: "slow drain", phase: .beforeStop, timeout: .seconds(60)) {
        say("draining")
        sleep(30)
        say("drained")
    }
    say("ready")
    while true { sleep(1) }
case "stash-at-exit":
    let reactor = Reactor.setup()
    let id = reactor.runInReactor { () throws -> Int in throw CocoaError(.fileNoSuchFile) }.stash()
    while !reactor.stashedResults().contains(where: { $0.id == id && $0.state == .failed }) { usleep(1_000) }
    say("stashed \(id)")
// Falling off the end of main: the exit's stop logs the stash.
default:
    say("unknown mode \(mode)")
    exit(64)
}
