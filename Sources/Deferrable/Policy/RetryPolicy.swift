/// Which errors thrown by a job body make it retry. Any other error sends the job to the error queue on
/// its first failure.
public struct RetryPolicy: Sendable {
    private let matches: @Sendable (any Error) -> Bool

    /// Builds a policy from a predicate on the thrown error.
    public static func when(_ predicate: @escaping @Sendable (any Error) -> Bool) -> RetryPolicy {
        RetryPolicy(matches: predicate)
    }

    /// Retries errors that are of one of `types`, matched like `is` (a subclass matches its superclass).
    public static func on(_ types: [any Error.Type]) -> RetryPolicy {
        let matchers = types.map(errorMatcher(for:))
        return RetryPolicy { error in matchers.contains { $0(error) } }
    }

    /// Retries errors that are of one of `types`.
    public static func on(_ types: any Error.Type...) -> RetryPolicy {
        on(types)
    }

    /// Never retries.
    public static let never = RetryPolicy { _ in false }

    /// Retries every error.
    public static let always = RetryPolicy { _ in true }

    /// Whether `error` is retriable under this policy.
    public func shouldRetry(_ error: any Error) -> Bool {
        matches(error)
    }

    /// A policy that retries what either policy retries.
    public func or(_ other: RetryPolicy) -> RetryPolicy {
        RetryPolicy { error in self.matches(error) || other.matches(error) }
    }
}
