/// Receives ``DeferrableEvent``s. An observer that throws does not break processing: the error is
/// logged and counted in ``Deferrable/observerFailures``.
public protocol DeferrableObserver: Sendable {
    /// Handles one event.
    func handle(_ event: DeferrableEvent) async throws
}

/// An observer made from a closure.
public struct ClosureObserver: DeferrableObserver {
    private let body: @Sendable (DeferrableEvent) async throws -> Void

    /// Creates an observer that calls `body` for every event.
    public init(_ body: @escaping @Sendable (DeferrableEvent) async throws -> Void) {
        self.body = body
    }

    public func handle(_ event: DeferrableEvent) async throws {
        try await body(event)
    }
}
