/// A listener that threw instead of answering, with its error.
public struct ListenerFailure: Error, Sendable, CustomStringConvertible {
    /// The listener that failed.
    public let listener: SignalListener
    /// What it threw (for a pooled listener also the pool's own errors, such as a pickup expiry or a time limit).
    public let error: any Error

    public var description: String { "listener \(listener.name) failed: \(String(describing: error))" }
}
