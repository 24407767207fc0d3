/// ``Signal/dispatchInOrder(_:errors:)`` was called from inside a dispatch of the same signal: from one of its
/// listeners, or from a task that inherits a listener's context. Waiting for its turn would wait for itself, so the
/// inner dispatch is refused.
public struct ReentrantDispatch: Error, CustomStringConvertible {
    /// The signal's name.
    public let signal: String

    public var description: String {
        "dispatchInOrder of signal '\(signal)' called from inside a dispatch of the same signal (it would wait for itself)"
    }
}
