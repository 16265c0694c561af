import Foundation

/// The name of the calling thread, or a description of it when unnamed.
func currentThreadName() -> String {
    if let name = Thread.current.name, !name.isEmpty { return name }
    return Thread.isMainThread ? "main" : "unnamed thread"
}

/// Names the calling thread, for `currentThreadName()` and for the system (`ps -T`, /proc).
///
/// Foundation applies a name to the system thread only once it knows its pthread, which a thread
/// started by `Thread.detachNewThread` may run before: so the system name is set here directly.
func setCurrentThreadName(_ name: String) {
    Thread.current.name = name
    #if os(Linux)
    // What pthread_setname_np does (Glibc does not export it to Swift). Linux keeps 15 bytes.
    let file = open("/proc/thread-self/comm", O_WRONLY)
    guard file >= 0 else { return }
    defer { close(file) }
    let bytes = Array(name.utf8.prefix(15))
    _ = bytes.withUnsafeBytes { write(file, $0.baseAddress, $0.count) }
    #endif
}
