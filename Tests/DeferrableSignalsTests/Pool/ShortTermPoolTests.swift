import Deferrable
import DeferrableSignals
import DeferrableTestSupport
import Testing

/// Concurrency bound, order, results and configuration of ``ShortTermPool``.
@Suite("Short-term pool")
struct ShortTermPoolTests {
    @Test("never more items run at once than the concurrency", arguments: [1, 3])
    func bound(concurrency: Int) async throws {
        let pool = try makePool(.init(concurrency: concurrency, timeLimit: nil))
        let meter = RunningMeter()
        let gate = AsyncGate()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for item in 0..<concurrency {
                group.addTask {
                    try await pool.run {
                        meter.start(item)
                        await gate.wait()
                        meter.end()
                        return item
                    }
                }
            }
            try await waitUntil(pool, running: concurrency, queued: 0)
            // Queued one by one, so that the order of submission is known.
            for item in concurrency..<12 {
                group.addTask {
                    try await pool.run {
                        meter.start(item)
                        meter.end()
                        return item
                    }
                }
                try await waitUntil(pool, running: concurrency, queued: item - concurrency + 1)
            }
            #expect(meter.most == concurrency)
            gate.open()
            var results: [Int] = []
            for try await value in group { results.append(value) }
            #expect(results.sorted() == Array(0..<12))
        }
        #expect(meter.most == concurrency, "ran \(meter.most) at once with a concurrency of \(concurrency)")
        if concurrency == 1 {
            #expect(meter.started == Array(0..<12), "waiters started out of submission order: \(meter.started)")
        }
        #expect(pool.status() == ShortTermPoolStatus(concurrency: concurrency, running: 0, queued: 0, risk: 0))
    }

    @Test("map returns results in the order of its input, within the bound, with the time limit on")
    func mapInOrder() async throws {
        let pool = try makePool(.init(concurrency: 4))
        let meter = RunningMeter()
        let results = try await pool.map(0..<200) { item in
            meter.start(item)
            defer { meter.end() }
            await Task.yield()
            return item * 2
        }
        #expect(results == (0..<200).map { $0 * 2 })
        #expect(meter.most <= 4)
        #expect(pool.status().running == 0)
    }

    @Test("a body's error reaches its caller and frees the slot")
    func bodyErrors() async throws {
        struct Boom: Error {}
        let pool = try makePool(.init(concurrency: 1))
        await #expect(throws: Boom.self) { try await pool.run { () async throws -> Int in throw Boom() } }
        #expect(try await pool.run { 7 } == 7)
        #expect(pool.status().running == 0)
    }

    @Test(
        "a configuration that cannot work is refused with the reason",
        arguments: [
            (ShortTermPool.Configuration(concurrency: 0), "concurrency must be at least 1"),
            (ShortTermPool.Configuration(concurrency: 4, maxConcurrency: 2), "maxConcurrency (2) must not be below"),
            (ShortTermPool.Configuration(queueCapacity: -1), "queueCapacity must not be negative"),
            (ShortTermPool.Configuration(timeLimit: .zero), "timeLimit must be above zero"),
            (ShortTermPool.Configuration(pickupDeadline: .seconds(100_000)), "pickupDeadline must be above zero and at most a day"),
            (ShortTermPool.Configuration(scaling: PoolScaling(growAbove: 0.1, shrinkBelow: 0.2)), "scaling needs"),
        ])
    func invalidConfiguration(configuration: ShortTermPool.Configuration, reason: String) throws {
        let error = #expect(throws: InvalidPoolConfiguration.self) { try ShortTermPool(configuration: configuration) }
        #expect(error?.reason.hasPrefix(reason) == true, "\(String(describing: error))")
    }
}
