/// Code around every push, pop and run of an instance's jobs, added with ``Deferrable/addMiddleware(_:)``.
///
/// Middleware runs in the order it was added: the first added sees a push first and is the outermost around a run.
/// Every requirement has a default that does nothing (``run(_:context:next:)`` calls `next`), so a middleware
/// implements only what it needs. ``TracingMiddleware`` is one.
public protocol JobMiddleware: Sendable {
    /// Before a job is encoded and pushed: may change its envelope (typically its ``JobEnvelope/metadata``). Throwing
    /// refuses the push; for a batch, nothing of it is pushed.
    func willPush(_ envelope: inout JobEnvelope) throws
    /// After the push of `envelope` succeeded (`error` is `nil`) or failed.
    func didPush(_ envelope: JobEnvelope, error: (any Error)?) async
    /// When a consumer of the instance popped the job, before anything is decided about it.
    func didPop(_ envelope: JobEnvelope) async
    /// Around a run of the job's body: `next` runs the rest of the chain and the body. What `next` throws is the run's
    /// error; what this throws (it may replace the error, or throw on success) is the error the run ends with.
    func run(_ envelope: JobEnvelope, context: JobContext, next: () async throws -> Void) async throws
    /// After the popped job was settled, with the outcome; `envelope` is `nil` when its payload did not decode.
    func didSettle(_ envelope: JobEnvelope?, outcome: RunOutcome) async
}

extension JobMiddleware {
    /// Changes nothing.
    public func willPush(_ envelope: inout JobEnvelope) throws {}
    /// Does nothing.
    public func didPush(_ envelope: JobEnvelope, error: (any Error)?) async {}
    /// Does nothing.
    public func didPop(_ envelope: JobEnvelope) async {}
    /// Runs `next`.
    public func run(_ envelope: JobEnvelope, context: JobContext, next: () async throws -> Void) async throws {
        try await next()
    }
    /// Does nothing.
    public func didSettle(_ envelope: JobEnvelope?, outcome: RunOutcome) async {}
}
