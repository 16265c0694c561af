import Foundation
import NIOConcurrencyHelpers
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Reactor {
    /// Turns SIGINT (Ctrl-C) and SIGTERM into a stop of this reactor, as Crochet's blocking calls
    /// are interrupted by Ctrl-C: one line instead of each host's own signal code.
    ///
    /// On the first signal the reactor stops (``stop(timeout:)`` with the configuration's stop
    /// bound: the ``ShutdownPhase/beforeStop`` hooks run, every waiter gets
    /// ``ReactorError/stopped``, the other hooks run). Then, when `exitsProcess` is true (the
    /// default), the process exits with status 128 + the signal's number (130 for SIGINT, 143 for
    /// SIGTERM), after flushing C's standard streams and without running `atexit` handlers: the
    /// shutdown hooks are the place for cleanup. With `exitsProcess: false` the process goes on:
    /// blocked waits throw ``ReactorError/stopped`` and it ends when `main` returns. A second
    /// signal while the stop runs, or after it, exits at once with 128 + its number. Calling this
    /// again points the signals at this reactor with the new choice. A host that runs a
    /// ServiceLifecycle `ServiceGroup` leaves signals to the group instead.
    public func stopOnSignals(exitsProcess: Bool = true) {
        SignalWatcher.shared.watch(for: self, exitsProcess: exitsProcess)
    }
}

/// The write end of the pipe the signal handler writes the signal's number to; -1 until installed.
private let signalPipeWriteEnd = Atomic<Int32>(-1)

/// The handler: only what is async-signal-safe, one `write` of one byte (errno kept as it was).
private func forwardSignal(_ number: Int32) {
    let savedErrno = errno
    var byte = UInt8(truncatingIfNeeded: number)
    _ = write(signalPipeWriteEnd.load(ordering: .relaxed), &byte, 1)
    errno = savedErrno
}

/// The process's one signal watcher: a handler that writes each signal to a pipe, and a thread
/// blocked reading it (it wakes only for a signal), which stops the reactor on another thread
/// so that a second signal is seen while the stop runs.
final class SignalWatcher: Sendable {
    static let shared = SignalWatcher()

    private struct Target: Sendable {
        var reactor: Reactor
        var exitsProcess: Bool
    }

    private let target = NIOLockedValueBox<Target?>(nil)
    private let installed = Atomic<Bool>(false)

    func watch(for reactor: Reactor, exitsProcess: Bool) {
        target.withLockedValue { $0 = Target(reactor: reactor, exitsProcess: exitsProcess) }
        guard installed.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged else {
            return
        }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            reactor.logger.error("cannot watch for signals: no pipe", metadata: ["errno": "\(errno)"])
            return
        }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        // A burst of signals never blocks the handler: past the pipe's capacity, bytes are dropped.
        _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK)
        signalPipeWriteEnd.store(ends[1], ordering: .sequentiallyConsistent)
        let readEnd = ends[0]
        Thread.detachNewThread { [self] in
            setCurrentThreadName("reactor-signals")
            // The signals go to this thread: a process may start with them blocked everywhere (a
            // child of Foundation's `Process` inherits its spawner's mask), and a signal no thread
            // accepts stays pending for ever.
            var accepted = sigset_t()
            sigemptyset(&accepted)
            for number in [SIGINT, SIGTERM] { sigaddset(&accepted, number) }
            pthread_sigmask(SIG_UNBLOCK, &accepted, nil)
            readSignals(from: readEnd)
        }
        for number in [SIGINT, SIGTERM] { install(number) }
    }

    private func install(_ number: Int32) {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = forwardSignal
        #else
        action.__sigaction_u.__sa_handler = forwardSignal
        #endif
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        sigaction(number, &action, nil)
    }

    private func readSignals(from readEnd: Int32) {
        var stopping = false
        while true {
            var byte: UInt8 = 0
            let count = read(readEnd, &byte, 1)
            if count < 0, errno == EINTR { continue }
            guard count == 1 else { return }
            let number = Int32(byte)
            if stopping { Self.exitNow(number) }
            guard let target = target.withLockedValue({ $0 }) else { continue }
            stopping = true
            target.reactor.logger.notice("stopping on a signal", metadata: ["signal": "\(Self.name(of: number))"])
            Thread.detachNewThread {
                target.reactor.stop(timeout: target.reactor.configuration.stopTimeout)
                if target.exitsProcess { Self.exitNow(number) }
            }
        }
    }

    private static func exitNow(_ number: Int32) -> Never {
        fflush(nil)
        _exit(128 + number)
    }

    private static func name(of number: Int32) -> String {
        switch number {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "signal \(number)"
        }
    }
}
