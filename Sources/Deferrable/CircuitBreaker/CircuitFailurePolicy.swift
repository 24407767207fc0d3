/// Which errors thrown through a ``CircuitBreaker`` count as failures. An error that does not count is passed up
/// all the same, and counts neither as a failure nor as a success.
public struct CircuitFailurePolicy: Sendable {
    private let counts: @Sendable (any Error) -> Bool

    /// Counts the errors `predicate` accepts.
    public static func when(_ predicate: @escaping @Sendable (any Error) -> Bool) -> CircuitFailurePolicy {
        CircuitFailurePolicy(counts: predicate)
    }

    /// Counts every error except cancellation (`CancellationError`) and a job's own ``JobControl``: the default.
    public static let allErrors = CircuitFailurePolicy { error in !(error is CancellationError) && !(error is JobControl) }

    /// Counts only errors of one of `types`, matched like `is`.
    public static func only(_ types: [any Error.Type]) -> CircuitFailurePolicy {
        let matchers = types.map(errorMatcher(for:))
        return CircuitFailurePolicy { error in matchers.contains { $0(error) } }
    }

    /// Counts every error ``allErrors`` counts except those of one of `types`.
    public static func ignoring(_ types: [any Error.Type]) -> CircuitFailurePolicy {
        let matchers = types.map(errorMatcher(for:))
        return CircuitFailurePolicy { error in allErrors.countsAsFailure(error) && !matchers.contains { $0(error) } }
    }

    /// Whether `error` counts as a failure.
    public func countsAsFailure(_ error: any Error) -> Bool {
        counts(error)
    }
}
