import Deferrable
import DeferrableTestSupport
import Testing

/// What a run knows about itself.
@Suite("Job context")
struct JobContextTests {
    struct Again: Error {}

    @Test("queuedAt is when the run's job became runnable: the push plus its delay, then the retry plus its backoff")
    func queuedAt() async throws {
        let harness = try Harness()
        let seen = Locked<[(attempt: Int, queuedAt: Int64, firstPushedAt: Int64)]>([])
        let handle = try harness.deferrable.register(
            "q", options: JobOptions(maxAttempts: 2, retry: .always, backoff: .fixed(.seconds(10)))
        ) { (_: Payload, context) in
            seen.withLock { $0.append((context.attempt, context.queuedAt, context.firstPushedAt)) }
            if context.attempt == 1 { throw Again() }
        }
        let pushedAt = harness.clock.nowMillis()
        try await handle.later(Payload(n: 1), options: PushOptions(delay: .seconds(5)))
        harness.clock.advance(by: .seconds(7))
        let retriedAt = harness.clock.nowMillis()
        #expect(try await harness.run().label == "retried")
        harness.clock.advance(by: .seconds(10))
        #expect(try await harness.run().label == "completed")
        let runs = seen.value
        #expect(runs.map(\.attempt) == [1, 2])
        #expect(runs.map(\.queuedAt) == [pushedAt + 5000, retriedAt + 10_000])
        #expect(runs.allSatisfy { $0.firstPushedAt == pushedAt })
    }
}
