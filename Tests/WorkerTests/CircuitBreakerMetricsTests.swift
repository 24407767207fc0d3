import Deferrable
import DeferrableTestSupport
import InMemoryLogging
import Logging
import MetricsTestKit
import Testing

/// A circuit's transitions and rejections in swift-metrics, and its transitions logged once each.
@Suite("Circuit breaker metrics and logs")
struct CircuitBreakerMetricsTests {
    struct Down: Error {}

    @Test("transitions and rejections are counted, the state gauge follows, and each transition is logged once")
    func metricsAndLogs() async throws {
        let metrics = TestMetrics()
        let clock = ManualClock()
        let logs = InMemoryLogHandler()
        let breaker = try CircuitBreaker(
            name: "api", policy: try CircuitBreakerPolicy(trip: .consecutiveFailures(2), breakDuration: .seconds(5)),
            store: MemoryCircuitBreakerStore(clock: clock), logger: logs.logger(label: "circuit"),
            metrics: metrics)
        for _ in 0..<2 { await #expect(throws: Down.self) { try await breaker.run { throw Down() } } }
        for _ in 0..<3 { await #expect(throws: CircuitOpen.self) { try await breaker.run { 0 } } }
        let dimensions = [("breaker", "api")]
        #expect(try metrics.expectCounter("deferrable_circuit_transitions_total", dimensions + [("to", "open")]).totalValue == 1)
        #expect(try metrics.expectCounter("deferrable_circuit_rejected_total", dimensions).totalValue == 3)
        #expect(try metrics.expectGauge("deferrable_circuit_state", dimensions).lastValue == 2)
        clock.advance(by: .seconds(5))
        #expect(try await breaker.run { 1 } == 1)
        #expect(try metrics.expectCounter("deferrable_circuit_transitions_total", dimensions + [("to", "halfOpen")]).totalValue == 1)
        #expect(try metrics.expectCounter("deferrable_circuit_transitions_total", dimensions + [("to", "closed")]).totalValue == 1)
        #expect(try metrics.expectGauge("deferrable_circuit_state", dimensions).lastValue == 0)
        #expect(logs.entries.map(\.message.description) == ["circuit opened", "circuit half-open", "circuit closed"])
    }
}
