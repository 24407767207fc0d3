import Deferrable
import Testing

@testable import DeferrableSQS

/// What the SQS backend refuses before it sends anything, and how it fails when SQS cannot be reached.
@Suite("SQS backend configuration")
struct SQSBackendConfigurationTests {
    @Test("group names that cannot name an SQS queue are refused with a typed error")
    func groupNames() async throws {
        try await SQSBackendTestFactory.with(endpoint: "http://127.0.0.1:1") { factory in
            #expect(throws: DeferrableError.self) { try factory.makeBackend(group: "with.dot") }
            #expect(throws: DeferrableError.self) { try factory.makeBackend(group: String(repeating: "g", count: 64)) }
            #expect(throws: DeferrableError.self) { try factory.makeBackend(group: "") }
            _ = try factory.makeBackend(group: "fine_name-1")
        }
    }

    @Test("queue prefixes and settings out of range are refused")
    func prefixes() throws {
        let credentials = SQSBackendTestFactory.credentials
        for prefix in ["", "has space", "dot.ted", String(repeating: "p", count: 72)] {
            #expect(throws: SQSBackendError.self) {
                try SQSBackendFactory(region: "us-east-1", credentials: credentials, endpoint: "http://127.0.0.1:1", queuePrefix: prefix)
            }
        }
        #expect(throws: SQSBackendError.self) {
            try SQSBackendFactory(
                region: "us-east-1", credentials: credentials, endpoint: "http://127.0.0.1:1",
                settings: SQSBackendSettings(maximumMessageBytes: 10))
        }
        #expect(throws: SQSBackendError.self, "SQS's largest message is 1 MiB") {
            try SQSBackendFactory(
                region: "us-east-1", credentials: credentials, endpoint: "http://127.0.0.1:1",
                settings: SQSBackendSettings(maximumMessageBytes: 2 << 20))
        }
        #expect(throws: SQSError.self) {
            try SQSBackendFactory(region: "Not A Region", credentials: credentials)
        }
    }

    @Test("a lease longer than SQS's 12-hour visibility timeout is refused with a typed error")
    func leaseTooLong() async throws {
        try await SQSBackendTestFactory.with(endpoint: "http://127.0.0.1:1") { factory in
            let queue = try factory.makeBackend(group: "lease").queue
            await #expect(throws: SQSBackendError.leaseTooLong(.seconds(43_201))) {
                _ = try await queue.pop(lease: .seconds(43_201), waitingUpTo: .zero)
            }
        }
    }

    @Test("an endpoint with nothing listening fails later() with a transport error, within the retries' bound")
    func endpointDown() async throws {
        let settings = SQSBackendSettings(
            retry: SQSRetryPolicy(maxAttempts: 3, base: .milliseconds(10), cap: .milliseconds(50)), requestTimeout: .seconds(2),
            connectTimeout: .seconds(1))
        try await SQSBackendTestFactory.with(endpoint: "http://127.0.0.1:1", settings: settings) { factory in
            let deferrable = try Deferrable(factory: factory, group: "down")
            let job = try deferrable.register("note") { (_: SQSBackendTests.Note, _) in }
            let started = ContinuousClock.now
            let error = try await #require(throws: SQSError.self) { try await job.later(SQSBackendTests.Note(text: "x")) }
            guard case .transport = error else {
                Issue.record("expected a transport error, got \(error)")
                return
            }
            #expect(started.duration(to: .now) < .seconds(10), "3 attempts of at most 3 s each")
        }
    }
}
