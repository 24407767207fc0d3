import Deferrable
import DeferrableTestSupport
import Testing

@Suite("Concurrency behaviour")
struct ConcurrencyBehaviourTests {
    @Test("8 tasks calling runOnce over 500 jobs: every job runs exactly once", arguments: TestBackend.all)
    func exactlyOnce(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let runsByID = Locked<[String: Int]>([:])
        let handle = try deferrable.register("parallel") { (_: Numbered, context) in
            runsByID.withLock { $0[context.id, default: 0] += 1 }
        }
        let receipts = try await handle.laterMany((0..<500).map(Numbered.init(n:)))
        let completed = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var done = 0
                    while true {
                        let outcome = try await deferrable.runOnce(waitingUpTo: .zero)
                        if outcome == .empty { return done }
                        #expect(outcome.label == "completed")
                        done += 1
                        await Task.yield()  // a busy loop on the memory backend never suspends otherwise
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        let runs = runsByID.value
        #expect(runs.count == 500)
        if backend.isSQS {
            // SQS standard queues deliver at least once: a message may now and then be received twice.
            #expect(completed >= 500)
            #expect(runs.values.allSatisfy { $0 >= 1 })
        } else {
            #expect(completed == 500)
            #expect(runs.values.allSatisfy { $0 == 1 }, "some job ran more than once")
        }
        #expect(Set(runs.keys) == Set(receipts.map(\.id)))
        #expect(try await deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
    }

    @Test("waiting consumers share jobs pushed while they wait", arguments: TestBackend.all)
    func waitingConsumers(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let runsByN = Locked<[Int: Int]>([:])
        let handle = try deferrable.register("trickle") { (args: Numbered, _) in
            runsByN.withLock { $0[args.n, default: 0] += 1 }
        }
        let total = 200
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let deadline = ContinuousClock.now + backend.patience
                    while runsByN.value.count < total, ContinuousClock.now < deadline {
                        _ = try await deferrable.runOnce(waitingUpTo: .milliseconds(50))
                    }
                }
            }
            group.addTask {
                for n in 0..<total { try await handle.later(Numbered(n: n)) }
            }
            try await group.waitForAll()
        }
        let runs = runsByN.value
        #expect(runs.count == total)
        #expect(runs.values.allSatisfy { backend.isSQS ? $0 >= 1 : $0 == 1 }, "SQS delivers at least once, the others once")
    }
}
