import DeferrableSignals
import DeferrableTestSupport
import Testing

/// The overload policies, cancellation and scaling of ``ShortTermPool``.
@Suite("Short-term pool: overload, cancellation, scaling")
struct PoolOverloadTests {
    /// One slot held until `gate` opens and one waiter in a queue of capacity 1.
    private func fill(_ pool: ShortTermPool, gate: AsyncGate, waiter: @escaping @Sendable () async throws -> String) async throws
        -> (Task<String, any Error>, Task<String, any Error>)
    {
        let holder = Task {
            try await pool.run {
                await gate.wait()
                return "holder"
            }
        }
        try await waitUntil(pool, running: 1, queued: 0)
        let queued = Task { try await waiter() }
        try await waitUntil(pool, running: 1, queued: 1)
        return (holder, queued)
    }

    @Test("reject: a new item meets PoolQueueFull at once and nothing of it runs")
    func reject() async throws {
        let pool = try makePool(.init(concurrency: 1, queueCapacity: 1, overload: .reject))
        let gate = AsyncGate()
        let (holder, queued) = try await fill(pool, gate: gate) { try await pool.run { "queued" } }
        let ran = Locked(false)
        let error = await #expect(throws: PoolQueueFull.self) { try await pool.run { ran.withLock { $0 = true } } }
        #expect(error?.capacity == 1)
        gate.open()
        #expect(try await holder.value == "holder")
        #expect(try await queued.value == "queued")
        #expect(!ran.value)
    }

    @Test("runInCaller: a new item runs at once in its caller, beside the full pool")
    func runInCaller() async throws {
        let pool = try makePool(.init(concurrency: 1, queueCapacity: 1, overload: .runInCaller))
        let gate = AsyncGate()
        let (holder, queued) = try await fill(pool, gate: gate) { try await pool.run { "queued" } }
        #expect(try await within(.seconds(10), "the item run in the caller") { try await pool.run { "caller" } } == "caller")
        #expect(pool.status().running == 1 && pool.status().queued == 1)
        gate.open()
        #expect(try await holder.value == "holder")
        #expect(try await queued.value == "queued")
    }

    @Test("dropOldest: the oldest waiter is answered by its fallback and the new item takes its place")
    func dropOldest() async throws {
        let pool = try makePool(.init(concurrency: 1, queueCapacity: 1, overload: .dropOldest))
        let gate = AsyncGate()
        let (holder, oldest) = try await fill(pool, gate: gate) {
            try await pool.run(fallback: { reason in "fallback: \(reason)" }) { "oldest ran" }
        }
        let newest = Task { try await pool.run { "newest" } }
        #expect(
            try await within(.seconds(10), "the dropped item") { try await oldest.value }.hasPrefix("fallback: dropped from a full queue"))
        try await waitUntil(pool, running: 1, queued: 1)
        gate.open()
        #expect(try await holder.value == "holder")
        #expect(try await newest.value == "newest")
        // Without a fallback the dropped caller gets PoolItemDropped.
        let second = AsyncGate()
        let (holder2, plain) = try await fill(pool, gate: second) { try await pool.run { "plain ran" } }
        let newer = Task { try await pool.run { "newer" } }
        await #expect(throws: PoolItemDropped.self) { try await within(.seconds(10), "the dropped item") { try await plain.value } }
        second.open()
        _ = try await holder2.value
        #expect(try await newer.value == "newer")
    }

    @Test("a caller cancelled while its item waits gets CancellationError, and the item never runs")
    func cancelledWhileWaiting() async throws {
        let pool = try makePool(.init(concurrency: 1))
        let gate = AsyncGate()
        let ran = Locked(false)
        let (holder, waiting) = try await fill(pool, gate: gate) {
            try await pool.run {
                ran.withLock { $0 = true }
                return "ran"
            }
        }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await within(.seconds(10), "the cancelled caller") { try await waiting.value } }
        #expect(pool.status().queued == 0)
        gate.open()
        _ = try await holder.value
        try await waitUntil(pool, running: 0, queued: 0)
        #expect(!ran.value, "the item of a cancelled caller ran")
    }

    @Test("items at risk of expiring raise the concurrency up to the maximum; calm lowers it to the base")
    func growAndShrink() async throws {
        let clock = SteppedClock()
        let pool = try makePool(
            .init(
                concurrency: 1, maxConcurrency: 2, timeLimit: nil, pickupDeadline: .seconds(10),
                scaling: PoolScaling(growAbove: 0.25, shrinkBelow: 0.05, interval: .seconds(1))),
            clock: clock)
        let first = AsyncGate()
        let second = AsyncGate()
        let holder = Task { try await pool.run { await first.wait() } }
        try await waitUntil(pool, running: 1, queued: 0)
        let late = Task { try await pool.run { await second.wait() } }
        try await waitUntil(pool, running: 1, queued: 1)
        // The waiter waits half its pickup deadline: a risk of 0.5 at the end of the interval.
        clock.advance(by: .seconds(5))
        first.open()
        try await holder.value
        try await waitUntil(pool, running: 1, queued: 0)
        #expect(pool.status().concurrency == 2, "\(pool.status())")
        #expect(pool.status().risk == 0.5)
        // An interval without waits: the risk is 0 and the pool is back at its base.
        clock.advance(by: .seconds(1))
        second.open()
        try await late.value
        #expect(pool.status() == ShortTermPoolStatus(concurrency: 1, running: 0, queued: 0, risk: 0))
    }
}
