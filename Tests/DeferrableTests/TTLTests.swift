import Deferrable
import DeferrableTestSupport
import Testing

@Suite("TTL")
struct TTLTests {
    @Test("an expired job is not run, not sent to the error queue, and emits pop, expire, complete")
    func expiredJob() async throws {
        let harness = try Harness()
        let runs = Locked(0)
        let handle = try harness.deferrable.register("ttl", options: JobOptions(ttl: .seconds(10))) { (_: Payload, _) in
            runs.increment()
        }
        let receipt = try await handle.later(Payload(n: 1))
        harness.events.reset()
        harness.clock.advance(by: .milliseconds(10_001))
        let outcome = try await harness.run()
        #expect(outcome == .expired(JobRef(id: receipt.id, name: "ttl", group: harness.group)))
        #expect(runs.value == 0)
        #expect(harness.events.kinds == [.pop, .expire, .complete])
        #expect(harness.events.events.last?.outcome == outcome)
        #expect(try await harness.deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
        #expect(try await harness.deferrable.errors.count() == 0)
        #expect(try await harness.run() == .empty)
    }

    @Test("a job is still run at exactly firstPushedAt + ttl (expiry is strict)")
    func boundary() async throws {
        let harness = try Harness()
        let runs = Locked(0)
        let handle = try harness.deferrable.register("ttl-edge", options: JobOptions(ttl: .seconds(10))) { (_: Payload, _) in
            runs.increment()
        }
        try await handle.later(Payload(n: 1))
        harness.clock.advance(by: .seconds(10))
        #expect(try await harness.run().label == "completed")
        #expect(runs.value == 1)
    }

    @Test("the TTL is counted from the first later(), across retries")
    func ttlAcrossRetries() async throws {
        let harness = try Harness()
        let runs = Locked(0)
        let handle = try harness.deferrable.register(
            "ttl-retry", options: JobOptions(maxAttempts: 5, retry: .always, backoff: .fixed(.seconds(20)), ttl: .seconds(30))
        ) { (_: Payload, _) in
            runs.increment()
            throw TransientError()
        }
        let receipt = try await handle.later(Payload(n: 1))
        #expect(try await harness.run().isRetried)  // t = 0
        harness.clock.advance(by: .seconds(20))
        #expect(try await harness.run().isRetried)  // t = 20 s, inside the TTL
        harness.clock.advance(by: .seconds(20))
        // t = 40 s: past firstPushedAt + 30 s although the last push was at 20 s.
        #expect(try await harness.run() == .expired(JobRef(id: receipt.id, name: "ttl-retry", group: harness.group)))
        #expect(runs.value == 2)
        #expect(try await harness.deferrable.errors.count() == 0)
    }

    @Test("a computed TTL is resolved at later() and written into the envelope")
    func computedTTL() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("ttl-computed", options: JobOptions(ttl: .computed { .seconds(2) })) {
            (_: Payload, _) in
        }
        try await handle.later(Payload(n: 1))
        #expect(harness.events.events.first { $0.kind == .push }?.envelope?.ttlMillis == 2000)
        harness.clock.advance(by: .milliseconds(2001))
        #expect(try await harness.run().label == "expired")
    }

    @Test("without a TTL a job never expires")
    func noTTL() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("no-ttl") { (_: Payload, _) in }
        try await handle.later(Payload(n: 1))
        harness.clock.advance(by: .seconds(365 * 24 * 3600))
        #expect(try await harness.run().label == "completed")
    }

    @Test("a delayed job whose TTL passed while it waited expires when popped")
    func delayedThenExpired() async throws {
        let harness = try Harness()
        let runs = Locked(0)
        let handle = try harness.deferrable.register(
            "delay-ttl", options: JobOptions(delay: .seconds(5), ttl: .seconds(5))
        ) { (_: Payload, _) in runs.increment() }
        try await handle.later(Payload(n: 1))
        harness.clock.advance(by: .seconds(6))
        #expect(try await harness.run().label == "expired")
        #expect(runs.value == 0)
    }
}
