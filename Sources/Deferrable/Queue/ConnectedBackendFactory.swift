import ServiceLifecycle

/// A backend factory that holds connections (Redis, PostgreSQL, SQS). It closes them in ``close()``, and it is a
/// swift-service-lifecycle `Service` that does so when its service group shuts down gracefully (or its task is
/// cancelled).
///
/// A service group shuts its services down in reverse order, so list the factory before the workers that use it:
/// the workers then finish their jobs before the connections close.
///
/// ```swift
/// let redis = try RedisBackendFactory(url: "redis://127.0.0.1:6379")
/// let worker = Worker(try Deferrable(factory: redis, group: "mail"))
/// let group = ServiceGroup(services: [redis, worker], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
public protocol ConnectedBackendFactory: BackendFactory, Service {
    /// Closes the factory's connections; backends made by it fail afterwards.
    func close() async
}

extension ConnectedBackendFactory {
    /// Waits for the graceful shutdown of the service group (or the cancellation of this task), then closes the
    /// factory's connections.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}
