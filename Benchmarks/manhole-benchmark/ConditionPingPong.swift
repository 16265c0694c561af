import BenchmarkSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The floor: a raw pthread mutex/condition-variable hand-off. One server thread takes requests
/// from `clients` blocking threads, each of which signals a request and parks until its reply,
/// the same shape as a blocking call into an event-loop thread, minus everything else.
final class ConditionPingPong: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let requestReady = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let replyReady = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var queue: [Int] = []
    private var replied: Set<Int> = []
    private var running = true
    private var server: pthread_t?

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(requestReady, nil)
        pthread_cond_init(replyReady, nil)
        let box = Unmanaged.passRetained(self)
        var thread = pthread_t()
        pthread_create(&thread, nil, { raw in
            let this = Unmanaged<ConditionPingPong>.fromOpaque(raw!).takeRetainedValue()
            this.serve()
            return nil
        }, box.toOpaque())
        server = thread
    }

    private func serve() {
        pthread_mutex_lock(mutex)
        while running {
            if queue.isEmpty {
                pthread_cond_wait(requestReady, mutex)
                continue
            }
            replied.insert(queue.removeFirst())
            pthread_cond_broadcast(replyReady)
        }
        pthread_mutex_unlock(mutex)
    }

    /// One round trip: hand the server a request and block until it answers.
    func call(client: Int) {
        pthread_mutex_lock(mutex)
        queue.append(client)
        pthread_cond_signal(requestReady)
        while !replied.contains(client) { pthread_cond_wait(replyReady, mutex) }
        replied.remove(client)
        pthread_mutex_unlock(mutex)
    }

    func stop() {
        pthread_mutex_lock(mutex)
        running = false
        pthread_cond_signal(requestReady)
        pthread_mutex_unlock(mutex)
        if let server { pthread_join(server, nil) }
    }
}
