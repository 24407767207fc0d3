/// A predicate true for errors of `type`, matched like `is` (a subclass matches its superclass): how
/// ``RetryPolicy`` and ``CircuitFailurePolicy`` match the error types they are given.
func errorMatcher(for type: any Error.Type) -> @Sendable (any Error) -> Bool {
    func matcher<E: Error>(_: E.Type) -> @Sendable (any Error) -> Bool { { error in error is E } }
    return matcher(type)
}
