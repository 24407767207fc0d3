import Deferrable
import DeferrableTestSupport
import Testing

/// Jobs that name a circuit breaker: they trip it, wait on it without using attempts, probe it, and all complete
/// once the downstream recovers.
@Suite("Circuit breaker: jobs")
struct CircuitBreakerJobTests {
    struct GatewayDown: Error {}

    @Test("while the circuit is open jobs are rescheduled, not run, and keep their attempts; after recovery all complete")
    func jobsWaitAndComplete() async throws {
        let harness = try Harness()
        let breaker = try CircuitBreaker(
            name: "payments",
            policy: try CircuitBreakerPolicy(trip: .consecutiveFailures(2), breakDuration: .seconds(10), halfOpenProbes: 1),
            store: MemoryCircuitBreakerStore(clock: harness.clock))
        let down = Locked(true)
        let calls = Locked(0)
        let attempts = Locked<[Int: Int]>([:])
        let job = try harness.deferrable.register(
            "charge",
            options: JobOptions(maxAttempts: 3, retry: .always, backoff: .fixed(.seconds(1)), circuitBreaker: breaker)
        ) { (n: Int, context: JobContext) in
            calls.withLock { $0 += 1 }
            attempts.withLock { $0[n] = context.attempt }
            if down.withLock({ $0 }) { throw GatewayDown() }
        }
        for n in 0..<5 { try await job.later(n) }

        // Two failures trip the circuit; the three other jobs wait on it without calling the gateway.
        var outcomes = try await harness.drain()
        #expect(outcomes.filter { if case .retried = $0 { true } else { false } }.count == 2)
        let waits = outcomes.compactMap { outcome -> Duration? in
            if case .waitedOnCircuit(_, let name, let delay) = outcome, name == "payments" { return delay }
            return nil
        }
        #expect(waits.count == 3)
        #expect(waits.allSatisfy { $0 >= .seconds(10) && $0 <= .seconds(11) }, "\(waits)")
        #expect(calls.withLock { $0 } == 2)
        #expect(harness.events.kinds.filter { $0 == .circuitWait }.count == 3)
        #expect(try await breaker.snapshot().phase == .open)

        // The two retried jobs come back after their backoff: still open, so they wait too, keeping their attempts.
        harness.clock.advance(by: .seconds(2))
        outcomes = try await harness.drain()
        #expect(outcomes.count == 2 && outcomes.allSatisfy { if case .waitedOnCircuit = $0 { true } else { false } })
        #expect(calls.withLock { $0 } == 2)

        // The gateway recovers; after the break one probe runs and closes the circuit, then every job completes.
        down.withLock { $0 = false }
        harness.clock.advance(by: .seconds(12))
        outcomes = try await harness.drain()
        #expect(outcomes.count == 5 && outcomes.allSatisfy { if case .completed = $0 { true } else { false } }, "\(outcomes)")
        #expect(try await breaker.snapshot().phase == .closed)
        // Jobs 0 and 1 failed once each (attempt 2 now); the waits used no attempt.
        #expect(attempts.withLock { $0 } == [0: 2, 1: 2, 2: 1, 3: 1, 4: 1])
        #expect(try await harness.deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
    }

    @Test("a failed probe re-opens the circuit; the jobs waiting stay rescheduled")
    func failedProbe() async throws {
        let harness = try Harness()
        let breaker = try CircuitBreaker(
            name: "partner",
            policy: try CircuitBreakerPolicy(trip: .consecutiveFailures(1), breakDuration: .seconds(5)),
            store: MemoryCircuitBreakerStore(clock: harness.clock))
        let calls = Locked(0)
        let job = try harness.deferrable.register(
            "sync", options: JobOptions(maxAttempts: 10, retry: .always, backoff: .fixed(.seconds(60)), circuitBreaker: breaker)
        ) { (_: Int, _: JobContext) in
            calls.withLock { $0 += 1 }
            throw GatewayDown()
        }
        for n in 0..<3 { try await job.later(n) }
        _ = try await harness.drain()
        #expect(calls.withLock { $0 } == 1)
        harness.clock.advance(by: .seconds(6))
        let outcomes = try await harness.drain()
        // One probe ran and failed (retried), the other job waits again.
        #expect(calls.withLock { $0 } == 2)
        #expect(outcomes.filter { if case .retried = $0 { true } else { false } }.count == 1)
        #expect(outcomes.filter { if case .waitedOnCircuit = $0 { true } else { false } }.count == 1)
        #expect(try await breaker.snapshot().phase == .open)
    }
}
