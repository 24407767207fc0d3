import Synchronization

/// A thread-safe value, for state shared between tests and job bodies.
public final class Locked<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    /// Creates the box.
    public init(_ value: Value) {
        storage = Mutex(value)
    }

    /// A copy of the current value.
    public var value: Value { storage.withLock { $0 } }

    /// Runs `body` on the value under the lock.
    @discardableResult
    public func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R {
        storage.withLock { body(&$0) }
    }
}
