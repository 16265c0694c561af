import Foundation

/// The name of the calling thread, or a description of it when unnamed.
func currentThreadName() -> String {
    if let name = Thread.current.name, !name.isEmpty { return name }
    return Thread.isMainThread ? "main" : "unnamed thread"
}

/// Names the calling thread.
func setCurrentThreadName(_ name: String) {
    Thread.current.name = name
}
