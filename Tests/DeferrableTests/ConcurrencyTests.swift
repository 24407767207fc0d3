import Deferrable
import DeferrableTestSupport
import Testing

@Suite("Concurrency")
struct ConcurrencyTests {
    @Test("16 tasks calling runOnce over 2000 jobs: every job runs exactly once")
    func exactlyOnce() async throws {
        let harness = try Harness()
        let jobCount = 2000
        let runsByID = Locked<[String: Int]>([:])
        let handle = try harness.deferrable.register("parallel") { (_: Payload, context) in
            runsByID.withLock { $0[context.id, default: 0] += 1 }
        }
        let receipts = try await handle.laterMany((0..<jobCount).map(Payload.init(n:)))
        let outcomes = try await withThrowingTaskGroup(of: [RunOutcome].self) { group in
            for _ in 0..<16 {
                group.addTask {
                    var mine: [RunOutcome] = []
                    while true {
                        let outcome = try await harness.deferrable.runOnce(waitingUpTo: .zero)
                        if outcome == .empty { return mine }
                        mine.append(outcome)
                        // Like a real worker loop, give other tasks a turn: the memory backend never suspends,
                        // and 16 busy loops would otherwise starve the timers of tests running alongside.
                        await Task.yield()
                    }
                }
            }
            var all: [RunOutcome] = []
            for try await part in group { all += part }
            return all
        }
        let runs = runsByID.value
        #expect(outcomes.count == jobCount)
        #expect(outcomes.allSatisfy { $0.label == "completed" })
        #expect(runs.count == jobCount)
        #expect(runs.values.allSatisfy { $0 == 1 }, "some job ran more than once")
        #expect(Set(runs.keys) == Set(receipts.map(\.id)))
        #expect(try await harness.deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
    }

    @Test("concurrent producers and consumers lose nothing")
    func producersAndConsumers() async throws {
        let harness = try Harness()
        let runsByN = Locked<[Int: Int]>([:])
        let handle = try harness.deferrable.register("pc") { (args: Payload, _) in
            runsByN.withLock { $0[args.n, default: 0] += 1 }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for producer in 0..<4 {
                group.addTask {
                    for i in 0..<250 {
                        try await handle.later(Payload(n: producer * 1000 + i))
                        await Task.yield()
                    }
                }
            }
            for _ in 0..<8 {
                group.addTask {
                    var idle = 0
                    // Stop after many empty polls in a row once the producers are likely done.
                    while idle < 200 {
                        if try await harness.deferrable.runOnce(waitingUpTo: .zero) == .empty {
                            idle += 1
                        } else {
                            idle = 0
                        }
                        await Task.yield()
                    }
                }
            }
            try await group.waitForAll()
        }
        // Whatever the consumers left behind (if they gave up early) is drained here.
        try await harness.drain()
        let runs = runsByN.value
        #expect(runs.count == 1000)
        #expect(runs.values.allSatisfy { $0 == 1 })
    }
}
