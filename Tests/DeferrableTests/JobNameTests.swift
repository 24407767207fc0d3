import Deferrable
import DeferrableTestSupport
import Testing

/// Typed job names: a producer pushes without a body, a consumer registers the body under the same name.
@Suite("Job names")
struct JobNameTests {
    static let greet = JobName<Payload>("greet", options: JobOptions(maxAttempts: 4))

    @Test("a producer with no body pushes; a consumer on the same backend runs the job with the name's options")
    func producerAndConsumer() async throws {
        let shared = try SharedGroup()
        let (group, producer, consumer) = (shared.group, shared.producer, shared.consumer)
        let seen = Locked<[Int]>([])
        try consumer.register(Self.greet) { payload, context in
            #expect(context.maxAttempts == 4)
            seen.withLock { $0.append(payload.n) }
        }
        let receipt = try await producer.later(Self.greet, Payload(n: 7))
        #expect(receipt.name == "greet")
        #expect(try await consumer.runOnce(waitingUpTo: .zero) == .completed(JobRef(id: receipt.id, name: "greet", group: group)))
        #expect(seen.value == [7])
    }

    @Test("an instance that only pushes a job does not run it: the job goes to the error queue as UnknownJob")
    func pushOnlyDoesNotRun() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.producer(for: Self.greet)
        try await handle.later(Payload(n: 1))
        #expect(try await harness.run().label == "failed")
        let entry = try #require(try await harness.onlyErrorEntry())
        #expect(entry.error.type == "UnknownJob")
    }

    @Test("a body registered after the producer takes over on the same instance")
    func bodyTakesOver() async throws {
        let harness = try Harness()
        let runs = Locked(0)
        try await harness.deferrable.later(Self.greet, Payload(n: 1))
        try harness.deferrable.register(Self.greet) { _, _ in runs.increment() }
        #expect(try await harness.run().label == "completed")
        #expect(runs.value == 1)
        // A producer handle for a name with a body keeps the body.
        try await harness.deferrable.producer(for: Self.greet).later(Payload(n: 2))
        #expect(try await harness.run().label == "completed")
        #expect(runs.value == 2)
    }

    @Test("one name with two argument types, or two bodies, is refused")
    func conflicts() throws {
        let harness = try Harness()
        try harness.deferrable.register(Self.greet) { _, _ in }
        #expect(throws: DeferrableError.duplicateJobName("greet")) {
            try harness.deferrable.register(Self.greet) { _, _ in }
        }
        let other = JobName<String>("greet")
        #expect(throws: DeferrableError.self) { try harness.deferrable.producer(for: other) }
        #expect(throws: DeferrableError.self) { try harness.deferrable.register(other) { _, _ in } }
    }

    @Test("a name's invalid options are refused when it is first used")
    func invalidOptions() throws {
        let harness = try Harness()
        let bad = JobName<Payload>("bad", options: JobOptions(maxAttempts: 0))
        #expect(throws: DeferrableError.self) { try harness.deferrable.producer(for: bad) }
    }
}
