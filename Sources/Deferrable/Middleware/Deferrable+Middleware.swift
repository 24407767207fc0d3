import Synchronization

/// The instance's middleware chain.
extension Deferrable {
    /// Adds `middleware` at the end of the chain (innermost around runs, last to see pushes).
    public func addMiddleware(_ middleware: any JobMiddleware) {
        registry.withLock { $0.middlewares.append(middleware) }
    }

    /// Removes every middleware.
    public func removeAllMiddleware() {
        registry.withLock { $0.middlewares.removeAll() }
    }

    var middlewares: [any JobMiddleware] {
        registry.withLock { $0.middlewares }
    }

    /// Calls every middleware's ``JobMiddleware/didPush(_:error:)`` for `envelopes`.
    func notifyPushed(_ envelopes: [JobEnvelope], error: (any Error)?, middlewares: [any JobMiddleware]) async {
        for envelope in envelopes {
            for middleware in middlewares { await middleware.didPush(envelope, error: error) }
        }
    }

    /// Runs `body` inside the chain `middlewares`, the first outermost.
    func runThrough(
        _ middlewares: ArraySlice<any JobMiddleware>, envelope: JobEnvelope, context: JobContext, body: () async throws -> Void
    ) async throws {
        guard let first = middlewares.first else { return try await body() }
        try await first.run(envelope, context: context) {
            try await runThrough(middlewares.dropFirst(), envelope: envelope, context: context, body: body)
        }
    }
}
