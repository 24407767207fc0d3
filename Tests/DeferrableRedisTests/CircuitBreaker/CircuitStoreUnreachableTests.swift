import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Testing

/// A breaker whose Redis cannot be reached fails open (calls go through, uncounted) or closed (``CircuitOpen``), as
/// configured, and within the connect timeout.
@Suite("Circuit breaker: its Redis is down", .timeLimit(.minutes(1)))
struct CircuitStoreUnreachableTests {
    struct Downstream: Error {}

    private func unreachableStore() throws -> (RedisCircuitBreakerStore, RedisClient) {
        // Nothing listens on a port just found free.
        var configuration = try RedisConfiguration(url: "redis://127.0.0.1:\(try freeLoopbackPort())")
        configuration.connectTimeout = .milliseconds(500)
        let client = RedisClient(configuration: configuration)
        return (RedisCircuitBreakerStore(client: client), client)
    }

    @Test("fail open (the default): the call runs and its value and errors pass through")
    func failOpen() async throws {
        let (store, client) = try unreachableStore()
        let breaker = try CircuitBreaker(name: "down-open", policy: try CircuitBreakerPolicy(trip: .consecutiveFailures(1)), store: store)
        #expect(breaker.whenStoreUnreachable == .failOpen)
        let started = ContinuousClock.now
        #expect(try await breaker.run { 7 } == 7)
        await #expect(throws: Downstream.self) { try await breaker.run { throw Downstream() } }
        #expect(try await breaker.run { 8 } == 8)
        #expect(started.duration(to: .now) < .seconds(20))
        await #expect(throws: RedisError.self) { try await breaker.snapshot() }
        await client.close()
    }

    @Test("fail closed: CircuitOpen with the configured retry time, the body not called")
    func failClosed() async throws {
        let (store, client) = try unreachableStore()
        let breaker = try CircuitBreaker(
            name: "down-closed", policy: try CircuitBreakerPolicy(), store: store,
            whenStoreUnreachable: .failClosed(retryAfter: .seconds(3)))
        let calls = Locked(0)
        do {
            _ = try await breaker.run { calls.withLock { $0 += 1 } }
            Issue.record("the call ran although the breaker fails closed")
        } catch let open as CircuitOpen {
            #expect(open.breaker == "down-closed")
            #expect(open.retryAfter == .seconds(3))
        }
        #expect(calls.withLock { $0 } == 0)
        await client.close()
    }
}
