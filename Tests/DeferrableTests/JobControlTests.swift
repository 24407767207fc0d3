import Deferrable
import DeferrableTestSupport
import Testing

@Suite("JobControl")
struct JobControlTests {
    @Test("failNow goes to the error queue even when every error retries")
    func failNow() async throws {
        let harness = try Harness()
        let runs = Locked(0)
        let handle = try harness.deferrable.register("fail-now", options: JobOptions(maxAttempts: 5, retry: .always)) {
            (_: Payload, _) in
            runs.increment()
            throw JobControl.failNow("account closed")
        }
        let receipt = try await handle.later(Payload(n: 1))
        let outcome = try await harness.run()
        guard case .failed(let ref, let reason) = outcome else {
            Issue.record("expected failed, got \(outcome)")
            return
        }
        #expect(ref.id == receipt.id)
        #expect(reason.contains("account closed"))
        #expect(try await harness.run() == .empty)
        #expect(runs.value == 1)
        let entry = try #require(try await harness.onlyErrorEntry())
        #expect(entry.error.message == "account closed")
        #expect(entry.error.attempts == 1)
    }

    @Test("discard completes the job without an error")
    func discard() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("discard", options: JobOptions(retry: .always)) { (_: Payload, _) in
            throw JobControl.discard("duplicate webhook")
        }
        let receipt = try await handle.later(Payload(n: 1))
        #expect(
            try await harness.run()
                == .discarded(JobRef(id: receipt.id, name: "discard", group: harness.group), reason: "duplicate webhook"))
        #expect(try await harness.deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
        #expect(try await harness.run() == .empty)
    }

    @Test("reschedule delays by the given time and does not use an attempt")
    func reschedule() async throws {
        let harness = try Harness()
        let attempts = Locked<[Int]>([])
        let handle = try harness.deferrable.register("reschedule", options: JobOptions(maxAttempts: 1)) { (_: Payload, context) in
            attempts.append(context.attempt)
            if attempts.value.count < 4 { throw JobControl.reschedule(after: .seconds(60)) }
        }
        let receipt = try await handle.later(Payload(n: 1))
        let ref = JobRef(id: receipt.id, name: "reschedule", group: harness.group)
        for _ in 0..<3 {
            #expect(try await harness.run() == .rescheduled(ref, delay: .seconds(60)))
            #expect(try await harness.deferrable.stats().delayed == 1)
            harness.clock.advance(by: .milliseconds(59_999))
            #expect(try await harness.run() == .empty)
            harness.clock.advance(by: .milliseconds(1))
        }
        // With maxAttempts 1, three reschedules and a fourth run: none used an attempt.
        #expect(try await harness.run() == .completed(ref))
        #expect(attempts.value == [1, 1, 1, 1])
        #expect(try await harness.deferrable.errors.count() == 0)
    }

    @Test("reschedule after a retry keeps the attempt count")
    func rescheduleAfterRetry() async throws {
        let harness = try Harness()
        let attempts = Locked<[Int]>([])
        let handle = try harness.deferrable.register(
            "reschedule-retry", options: JobOptions(maxAttempts: 3, retry: .always, backoff: .immediate)
        ) { (_: Payload, context) in
            attempts.append(context.attempt)
            switch attempts.value.count {
            case 1: throw TransientError()
            case 2: throw JobControl.reschedule(after: .zero)
            default: return
            }
        }
        try await handle.later(Payload(n: 1))
        let outcomes = try await harness.drain()
        #expect(outcomes.map(\.label) == ["retried", "rescheduled", "completed"])
        #expect(attempts.value == [1, 2, 2])
    }

    @Test("a negative reschedule delay is clamped to zero")
    func negativeReschedule() async throws {
        let harness = try Harness()
        let runs = Locked(0)
        let handle = try harness.deferrable.register("reschedule-negative") { (_: Payload, _) in
            if runs.increment() == 1 { throw JobControl.reschedule(after: .seconds(-5)) }
        }
        let receipt = try await handle.later(Payload(n: 1))
        #expect(
            try await harness.run() == .rescheduled(JobRef(id: receipt.id, name: "reschedule-negative", group: harness.group), delay: .zero)
        )
        #expect(try await harness.run().label == "completed")
    }

    @Test("reschedule keeps the TTL clock running")
    func rescheduleTTL() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("reschedule-ttl", options: JobOptions(ttl: .seconds(90))) { (_: Payload, _) in
            throw JobControl.reschedule(after: .seconds(60))
        }
        try await handle.later(Payload(n: 1))
        #expect(try await harness.run().label == "rescheduled")
        harness.clock.advance(by: .seconds(60))
        #expect(try await harness.run().label == "rescheduled")
        harness.clock.advance(by: .seconds(60))
        #expect(try await harness.run().label == "expired")
    }
}
