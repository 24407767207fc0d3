/// A producer/consumer pair of job metadata under a unique namespace.
///
/// At `later()` time ``produceMetadata()`` may return a string (a request id, a trace context, …) that
/// travels in the envelope's `metadata` under ``namespace``. Before the job runs, the consumer side wraps the
/// run in ``withConsumedMetadata(_:operation:)``, which can bind a task-local for the job's duration.
public protocol MetadataProvider: Sendable {
    /// The namespace; unique per ``Deferrable`` instance.
    var namespace: String { get }
    /// The value to store at `later()` time, or `nil` for none.
    func produceMetadata() async -> String?
    /// Runs `operation` (the job) with the stored value, `nil` if the producer side wrote none.
    func withConsumedMetadata(_ value: String?, operation: () async throws -> Void) async throws
}

extension MetadataProvider {
    /// Runs `operation` unchanged.
    public func withConsumedMetadata(_ value: String?, operation: () async throws -> Void) async throws {
        try await operation()
    }
}
