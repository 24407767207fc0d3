import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

/// A circuit store for a backend: one shared by every breaker of the test (memory: one store object; Redis: one
/// client, standing for every process on that server). PostgreSQL has no circuit store.
struct CircuitStoreUnderTest: Sendable {
    let store: any CircuitBreakerStore
    let close: @Sendable () async -> Void

    static func make(_ backend: TestBackend) throws -> CircuitStoreUnderTest? {
        switch backend {
        case .memory:
            return CircuitStoreUnderTest(store: MemoryCircuitBreakerStore(), close: {})
        case .redis(let url), .redisCluster(let url):
            let client = try RedisClient(url: url)
            return CircuitStoreUnderTest(store: RedisCircuitBreakerStore(client: client, keyPrefix: "bt"), close: { await client.close() })
        case .postgres, .sqs:
            return nil
        }
    }

    static var backends: [TestBackend] {
        TestBackend.all.filter {
            switch $0 {
            case .postgres, .sqs: false
            default: true
            }
        }
    }
}

struct Downstream: Error {}

@Suite("Circuit breaker, on every store", .timeLimit(.minutes(1)))
struct CircuitBreakerBehaviourTests {
    private static func uniqueName() -> String { "c-\(UUID().uuidString.prefix(8).lowercased())" }

    private func breaker(_ store: any CircuitBreakerStore, name: String, _ policy: CircuitBreakerPolicy) throws -> CircuitBreaker {
        try CircuitBreaker(name: name, policy: policy, store: store)
    }

    private func fail(_ breaker: CircuitBreaker) async {
        await #expect(throws: Downstream.self) { try await breaker.run { throw Downstream() } }
    }

    @Test(
        "consecutive failures open the circuit for every breaker on the store; calls are rejected without running",
        arguments: CircuitStoreUnderTest.backends)
    func opensForAll(_ backend: TestBackend) async throws {
        guard let subject = try CircuitStoreUnderTest.make(backend) else { return }
        let name = Self.uniqueName()
        let policy = try CircuitBreakerPolicy(trip: .consecutiveFailures(3), breakDuration: .seconds(30))
        let first = try breaker(subject.store, name: name, policy)
        let second = try breaker(subject.store, name: name, policy)
        await fail(first)
        _ = try await second.run { 1 }  // a success resets the run of failures
        await fail(first)
        await fail(second)
        #expect(try await first.snapshot().phase == .closed)
        await fail(first)
        let calls = Locked(0)
        do {
            _ = try await second.run { calls.withLock { $0 += 1 } }
            Issue.record("an open circuit ran the call")
        } catch let open as CircuitOpen {
            #expect(open.breaker == name)
            let retryAfter = try #require(open.retryAfter)
            #expect(retryAfter > .seconds(25) && retryAfter <= .seconds(30))
        }
        #expect(calls.withLock { $0 } == 0)
        let snapshot = try await second.snapshot()
        #expect(snapshot.phase == .open)
        #expect(snapshot.trips == 1)
        #expect(try await subject.store.names().contains(name))
        await subject.close()
    }

    @Test(
        "after the break, only the admitted probes run; a successful probe closes, a failed one re-opens with a longer break",
        arguments: CircuitStoreUnderTest.backends)
    func halfOpenProbes(_ backend: TestBackend) async throws {
        guard let subject = try CircuitStoreUnderTest.make(backend) else { return }
        let policy = try CircuitBreakerPolicy(
            trip: .consecutiveFailures(1), breakDuration: .milliseconds(300), breakGrowth: 10, maxBreakDuration: .seconds(60),
            halfOpenProbes: 2)
        let gateway = try breaker(subject.store, name: Self.uniqueName(), policy)
        await fail(gateway)
        await #expect(throws: CircuitOpen.self) { try await gateway.acquire() }
        let first = try await eventuallyAdmitted(gateway)
        #expect(first.kind == .probe)
        let second = try await gateway.acquire()
        #expect(second.kind == .probe)
        await #expect(throws: CircuitOpen.self) { try await gateway.acquire() }
        #expect(try await gateway.snapshot().probesInFlight == 2)
        // The first probe fails: open again, the break grown tenfold (3 s).
        await gateway.record(first, outcome: .failure)
        var snapshot = try await gateway.snapshot()
        #expect(snapshot.phase == .open)
        #expect(snapshot.trips == 2)
        let opened = try #require(snapshot.openedAtMillis)
        #expect(try #require(snapshot.closesAtMillis) - opened == 3000)
        // The second probe's report belongs to the previous half-open state: not counted.
        await gateway.record(second, outcome: .success)
        #expect(try await gateway.snapshot().phase == .open)
        try await gateway.apply(.reset)
        snapshot = try await gateway.snapshot()
        #expect(snapshot.phase == .closed && snapshot.trips == 0)
        // A probe's success closes the circuit.
        await fail(gateway)
        let probe = try await eventuallyAdmitted(gateway, within: .seconds(5))
        #expect(probe.kind == .probe)
        await gateway.record(probe, outcome: .success)
        #expect(try await gateway.snapshot().phase == .closed)
        await subject.close()
    }

    @Test(
        "a failure rate over a window of calls trips once the minimum number of calls is reached", arguments: CircuitStoreUnderTest.backends
    )
    func failureRateOverCalls(_ backend: TestBackend) async throws {
        guard let subject = try CircuitStoreUnderTest.make(backend) else { return }
        let policy = try CircuitBreakerPolicy(trip: .failureRate(0.5, window: .calls(4), minimumCalls: 4))
        let gateway = try breaker(subject.store, name: Self.uniqueName(), policy)
        await fail(gateway)
        await fail(gateway)
        await fail(gateway)  // 3 failures, but fewer than 4 calls
        #expect(try await gateway.snapshot().phase == .closed)
        _ = try await gateway.run { 0 }  // 4 calls, 3 failures: 75 %
        let snapshot = try await gateway.snapshot()
        #expect(snapshot.phase == .open)
        await subject.close()
    }

    @Test("a failure rate stays under the threshold while the window slides", arguments: CircuitStoreUnderTest.backends)
    func windowSlides(_ backend: TestBackend) async throws {
        guard let subject = try CircuitStoreUnderTest.make(backend) else { return }
        let policy = try CircuitBreakerPolicy(trip: .failureRate(0.7, window: .calls(5), minimumCalls: 5))
        let gateway = try breaker(subject.store, name: Self.uniqueName(), policy)
        for _ in 0..<3 { await fail(gateway) }
        for _ in 0..<4 { _ = try await gateway.run { 0 } }
        // The window holds the last 5 calls: F S S S S.
        var snapshot = try await gateway.snapshot()
        #expect(snapshot.windowCalls == 5 && snapshot.windowFailures == 1)
        await fail(gateway)
        await fail(gateway)  // S S S F F: 40 %
        snapshot = try await gateway.snapshot()
        #expect(snapshot.phase == .closed && snapshot.windowFailures == 2)
        await subject.close()
    }

    @Test(
        "held open rejects everything, held closed lets everything through uncounted, release and reset",
        arguments: CircuitStoreUnderTest.backends)
    func holds(_ backend: TestBackend) async throws {
        guard let subject = try CircuitStoreUnderTest.make(backend) else { return }
        let gateway = try breaker(subject.store, name: Self.uniqueName(), try CircuitBreakerPolicy(trip: .consecutiveFailures(1)))
        try await gateway.apply(.holdOpen)
        do {
            _ = try await gateway.acquire()
            Issue.record("a circuit held open admitted a call")
        } catch {
            #expect(error.retryAfter == nil)
        }
        try await gateway.apply(.holdClosed)
        await fail(gateway)
        await fail(gateway)
        var snapshot = try await gateway.snapshot()
        #expect(snapshot.hold == .closed && snapshot.phase == .closed && snapshot.consecutiveFailures == 0)
        try await gateway.apply(.release)
        await fail(gateway)
        snapshot = try await gateway.snapshot()
        #expect(snapshot.hold == nil && snapshot.phase == .open)
        try await gateway.apply(.reset)
        _ = try await gateway.run { 0 }
        await subject.close()
    }

    @Test(
        "calls slower than the threshold count as failures; errors the policy ignores do not count",
        arguments: CircuitStoreUnderTest.backends)
    func slowCallsAndIgnoredErrors(_ backend: TestBackend) async throws {
        guard let subject = try CircuitStoreUnderTest.make(backend) else { return }
        let policy = try CircuitBreakerPolicy(trip: .consecutiveFailures(2), slowCallThreshold: .milliseconds(50))
        let gateway = try CircuitBreaker(
            name: Self.uniqueName(), policy: policy, store: subject.store, failures: .ignoring([CancellationError.self, Downstream.self]))
        await fail(gateway)
        await fail(gateway)
        #expect(try await gateway.snapshot().consecutiveFailures == 0)
        _ = try await gateway.run { try await Task.sleep(for: .milliseconds(120)) }
        #expect(try await gateway.snapshot().consecutiveFailures == 1)
        _ = try await gateway.run { try await Task.sleep(for: .milliseconds(120)) }
        #expect(try await gateway.snapshot().phase == .open)
        await subject.close()
    }

    /// Acquires until the circuit admits a call (its break ends), within `limit`.
    private func eventuallyAdmitted(_ breaker: CircuitBreaker, within limit: Duration = .seconds(5)) async throws -> CircuitPermit {
        let deadline = ContinuousClock.now + limit
        while true {
            do {
                return try await breaker.acquire()
            } catch {
                guard ContinuousClock.now < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }
}
