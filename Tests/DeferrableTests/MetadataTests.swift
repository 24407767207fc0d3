import Deferrable
import DeferrableTestSupport
import Testing

/// Carries a request id from the producer to the job body through a task-local.
struct RequestIDProvider: MetadataProvider {
    @TaskLocal static var current: String?

    let namespace = "request-id"

    func produceMetadata() async -> String? { Self.current }

    func withConsumedMetadata(_ value: String?, operation: () async throws -> Void) async throws {
        try await Self.$current.withValue(value) { try await operation() }
    }
}

/// Records every value handed to the consumer side.
final class RecordingProvider: MetadataProvider {
    let namespace: String
    let produced: String?
    let consumed = Locked<[String?]>([])

    init(namespace: String, produced: String?) {
        self.namespace = namespace
        self.produced = produced
    }

    func produceMetadata() async -> String? { produced }

    func withConsumedMetadata(_ value: String?, operation: () async throws -> Void) async throws {
        consumed.append(value)
        try await operation()
    }
}

@Suite("Metadata")
struct MetadataTests {
    @Test("a value produced at later() binds a task-local seen by the job body")
    func taskLocalReachesJob() async throws {
        let harness = try Harness()
        try harness.deferrable.addMetadataProvider(RequestIDProvider())
        let seen = Locked<[String?]>([])
        let handle = try harness.deferrable.register("meta") { (_: Payload, context) in
            seen.append(RequestIDProvider.current)
            seen.append(context.metadata["request-id"])
        }
        try await RequestIDProvider.$current.withValue("req-123") {
            try await handle.later(Payload(n: 1))
        }
        #expect(RequestIDProvider.current == nil)
        try await harness.run()
        #expect(seen.value == ["req-123", "req-123"])
    }

    @Test("the task-local is also bound when the job has a time limit (the body runs in a child task)")
    func taskLocalWithTimeLimit() async throws {
        let harness = try Harness()
        try harness.deferrable.addMetadataProvider(RequestIDProvider())
        let seen = Locked<[String?]>([])
        let handle = try harness.deferrable.register("meta-limit", options: JobOptions(timeLimit: .seconds(30))) {
            (_: Payload, _) in seen.append(RequestIDProvider.current)
        }
        try await RequestIDProvider.$current.withValue("req-9") { try await handle.later(Payload(n: 1)) }
        try await harness.run()
        #expect(seen.value == ["req-9"])
    }

    @Test("an absent value reaches the consumer as nil and is not written")
    func absentValue() async throws {
        let harness = try Harness()
        let provider = RecordingProvider(namespace: "absent", produced: nil)
        try harness.deferrable.addMetadataProvider(provider)
        let seen = Locked<[String?]>([])
        let handle = try harness.deferrable.register("meta-nil") { (_: Payload, _) in seen.append(RequestIDProvider.current) }
        try await handle.later(Payload(n: 1))
        #expect(harness.events.events.first { $0.kind == .push }?.envelope?.metadata == [:])
        try await harness.run()
        #expect(provider.consumed.value == [nil])
        #expect(seen.value == [nil])
    }

    @Test("several providers each get their own namespace's value")
    func severalProviders() async throws {
        let harness = try Harness()
        let a = RecordingProvider(namespace: "a", produced: "1")
        let b = RecordingProvider(namespace: "b", produced: "2")
        try harness.deferrable.addMetadataProvider(a)
        try harness.deferrable.addMetadataProvider(b)
        let handle = try harness.deferrable.register("meta-two") { (_: Payload, context) in
            #expect(context.metadata == ["a": "1", "b": "2"])
        }
        try await handle.later(Payload(n: 1))
        try await harness.run()
        #expect(a.consumed.value == ["1"])
        #expect(b.consumed.value == ["2"])
    }

    @Test("a provider registered only on the consumer gets nil")
    func consumerOnly() async throws {
        let clock = ManualClock()
        let factory = MemoryBackendFactory(clock: clock)
        let group = uniqueGroup()
        let producer = try Deferrable(factory: factory, group: group, clock: clock)
        let consumer = try Deferrable(factory: factory, group: group, clock: clock)
        let provider = RecordingProvider(namespace: "only-consumer", produced: "x")
        try consumer.addMetadataProvider(provider)
        let handle = try producer.register("split") { (_: Payload, _) in }
        try consumer.register("split") { (_: Payload, _) in }
        try await handle.later(Payload(n: 1))
        #expect(try await consumer.runOnce(waitingUpTo: .zero).label == "completed")
        #expect(provider.consumed.value == [nil])
    }

    @Test("metadata is not produced again on retry")
    func notReproducedOnRetry() async throws {
        let harness = try Harness()
        let produced = Locked(0)
        try harness.deferrable.addMetadataProvider(CountingProvider(count: produced))
        let values = Locked<[String?]>([])
        let handle = try harness.deferrable.register("meta-retry", options: JobOptions(maxAttempts: 2, retry: .always, backoff: .immediate))
        {
            (_: Payload, context) in
            values.append(context.metadata["counting"])
            throw TransientError()
        }
        try await handle.later(Payload(n: 1))
        try await harness.drain()
        #expect(produced.value == 1)
        #expect(values.value == ["1", "1"])
    }

    @Test("a duplicate namespace throws")
    func duplicateNamespace() throws {
        let harness = try Harness()
        try harness.deferrable.addMetadataProvider(RequestIDProvider())
        #expect(throws: DeferrableError.duplicateMetadataNamespace("request-id")) {
            try harness.deferrable.addMetadataProvider(RecordingProvider(namespace: "request-id", produced: nil))
        }
        harness.deferrable.removeAllMetadataProviders()
        try harness.deferrable.addMetadataProvider(RequestIDProvider())
    }
}

struct CountingProvider: MetadataProvider {
    let count: Locked<Int>
    let namespace = "counting"

    func produceMetadata() async -> String? { String(count.increment()) }
}
