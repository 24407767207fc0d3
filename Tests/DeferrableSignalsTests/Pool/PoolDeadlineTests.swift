import Deferrable
import DeferrableSignals
import DeferrableTestSupport
import Foundation
import InMemoryLogging
import Logging
import MetricsTestKit
import Testing

/// Pickup deadlines and time limits of ``ShortTermPool``, on a stepped clock.
@Suite("Short-term pool: deadlines")
struct PoolDeadlineTests {
    /// A pool of one slot, held by a body that waits for `gate`; returns the holder's task.
    private func holdSlot(_ pool: ShortTermPool, until gate: AsyncGate) async throws -> Task<Int, any Error> {
        let holder = Task {
            try await pool.run {
                await gate.wait()
                return 0
            }
        }
        try await waitUntil(pool, running: 1, queued: 0)
        return holder
    }

    @Test("an item not picked up by its deadline never runs: its fallback answers, once logged and counted")
    func pickupExpiryWithFallback() async throws {
        let clock = SteppedClock()
        let logs = InMemoryLogHandler()
        let metrics = TestMetrics()
        let pool = try ShortTermPool(
            name: "expiry", configuration: .init(concurrency: 1, timeLimit: nil, pickupDeadline: .seconds(45)), clock: clock,
            logger: Logger(label: "pool", factory: { _ in logs }), metrics: metrics)
        let gate = AsyncGate()
        let holder = try await holdSlot(pool, until: gate)
        let ran = Locked(false)
        let waiting = Task {
            try await pool.run(fallback: { reason in "fallback: \(reason)" }) {
                ran.withLock { $0 = true }
                return "ran"
            }
        }
        try await waitUntil(pool, running: 1, queued: 1)
        try await eventually("the watchdog to sleep") { clock.sleepers >= 1 }
        clock.advance(by: .seconds(44))
        #expect(pool.status().queued == 1, "expired before its deadline")
        clock.advance(by: .seconds(1))
        let answer = try await within(.seconds(10), "the fallback") { try await waiting.value }
        #expect(answer == "fallback: not picked up before its deadline (waited 45.0 seconds)")
        gate.open()
        _ = try await holder.value
        #expect(!ran.value, "an expired item ran")
        #expect(pool.status().queued == 0)
        let expiries = logs.entries.filter { $0.message.description == "pool item expired before it was picked up" }
        #expect(expiries.count == 1)
        let counter = try metrics.expectCounter("deferrable_pool_items_total", [("pool", "expiry"), ("outcome", "expired")])
        #expect(counter.totalValue == 1)
    }

    @Test("without a fallback the caller gets PoolPickupExpired; a map's items share the deadline of the call")
    func pickupExpiryWithoutFallback() async throws {
        let clock = SteppedClock()
        let pool = try makePool(.init(concurrency: 1, timeLimit: nil, pickupDeadline: .seconds(10)), clock: clock)
        let gate = AsyncGate()
        let holder = try await holdSlot(pool, until: gate)
        let single = Task { try await pool.run { 1 } }
        let mapped = Task { try await pool.map([1, 2, 3], fallback: { item, _ in -item }) { $0 } }
        try await waitUntil(pool, running: 1, queued: 2)
        try await eventually("the watchdog to sleep") { clock.sleepers >= 1 }
        clock.advance(by: .seconds(10))
        let error = await #expect(throws: PoolPickupExpired.self) {
            try await within(.seconds(10), "the expiry") { try await single.value }
        }
        #expect(error?.waited == .seconds(10))
        #expect(try await within(.seconds(10), "the map") { try await mapped.value } == [-1, -2, -3])
        gate.open()
        _ = try await holder.value
    }

    @Test("a run longer than its time limit is cancelled; its caller is answered at once even if the body ignores it")
    func timeLimit() async throws {
        let clock = SteppedClock()
        let pool = try makePool(.init(concurrency: 1, timeLimit: .seconds(15)), clock: clock)
        let gate = AsyncGate()
        let cancelled = Locked(false)
        let stubborn = Task {
            try await pool.run {
                // Ignores its cancellation: waits for the gate regardless, then reports what it saw.
                await gate.wait()
                cancelled.withLock { $0 = Task.isCancelled }
                return 1
            }
        }
        try await waitUntil(pool, running: 1, queued: 0)
        try await eventually("the watchdog to sleep") { clock.sleepers >= 1 }
        clock.advance(by: .seconds(15))
        let error = await #expect(throws: TimeLimitExceeded.self) {
            try await within(.seconds(10), "the timeout") { try await stubborn.value }
        }
        #expect(error?.limit == .seconds(15))
        #expect(pool.status().running == 1, "the slot was freed while the body still runs")
        gate.open()
        try await waitUntil(pool, running: 0, queued: 0)
        #expect(cancelled.value, "the body was not cancelled at its time limit")

        let withFallback = Task {
            try await pool.run(fallback: { reason in "\(reason)" }) {
                try await Task.sleep(for: .seconds(3600))
                return "ran"
            }
        }
        try await waitUntil(pool, running: 1, queued: 0)
        try await eventually("the watchdog to sleep") { clock.sleepers >= 1 }
        clock.advance(by: .seconds(15))
        #expect(
            try await within(.seconds(10), "the fallback") { try await withFallback.value }
                == "ran longer than its time limit of 15.0 seconds")
        try await waitUntil(pool, running: 0, queued: 0)
    }
}
