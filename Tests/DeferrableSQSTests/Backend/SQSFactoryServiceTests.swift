import Deferrable
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

@testable import DeferrableSQS

/// A connected factory as a swift-service-lifecycle service.
@Suite("SQS factory as a service", .enabled(if: SQSTestEndpoint.url != nil, "needs SQS_ENDPOINT"))
struct SQSFactoryServiceTests {
    @Test("run() holds the connections until the graceful shutdown, then closes them")
    func closesAtShutdown() async throws {
        let factory = try SQSBackendTestFactory.make()
        let queue = try factory.makeBackend(group: "svc").queue
        _ = try await queue.stats()
        try await testGracefulShutdown { trigger in
            let running = Task { try await factory.run() }
            // Still open while the service runs.
            _ = try await queue.stats()
            trigger.triggerGracefulShutdown()
            try await running.value
        }
        await #expect(throws: SQSError.self, "the factory's connections are closed") { _ = try await queue.stats() }
    }

    @Test("a cancelled run() closes the connections too")
    func closesOnCancellation() async throws {
        let factory = try SQSBackendTestFactory.make()
        let queue = try factory.makeBackend(group: "svc-cancel").queue
        _ = try await queue.stats()
        let running = Task { try await factory.run() }
        running.cancel()
        try await running.value
        await #expect(throws: SQSError.self) { _ = try await queue.stats() }
    }
}
