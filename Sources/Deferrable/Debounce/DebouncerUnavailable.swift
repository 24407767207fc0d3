/// Thrown by a ``Debouncer`` whose call failed before it could record a decision or push anything (its store
/// could not be reached, the request was never sent, or the store refused it without running it).
///
/// Only this error lets ``Debounce/FailureMode/failOpen`` push the job without the debouncer: after any other
/// error the call may have taken effect (say its reply was lost after it pushed), so `later()` throws
/// ``DeferrableError/debounceFailed(job:reason:)`` instead of risking a second copy.
public struct DebouncerUnavailable: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why the debouncer could not be used.
    public var reason: String

    /// Creates the error.
    public init(reason: String) {
        self.reason = reason
    }

    /// The reason.
    public var description: String {
        reason
    }
}
