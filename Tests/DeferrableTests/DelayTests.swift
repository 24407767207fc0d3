import Deferrable
import DeferrableTestSupport
import Testing

@Suite("Delay")
struct DelayTests {
    @Test("a delayed job is runnable only once its delay has passed")
    func delayed() async throws {
        let harness = try Harness()
        let runs = Locked(0)
        let handle = try harness.deferrable.register("delayed", options: JobOptions(delay: .seconds(30))) { (_: Payload, _) in
            runs.increment()
        }
        let now = harness.clock.nowMillis()
        let receipt = try await handle.later(Payload(n: 1))
        #expect(receipt.disposition == .delayed)
        #expect(receipt.runnableAt == now + 30_000)
        #expect(try await harness.deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 1, errors: 0))
        #expect(try await harness.run() == .empty)
        harness.clock.advance(by: .milliseconds(29_999))
        #expect(try await harness.run() == .empty)
        #expect(runs.value == 0)
        harness.clock.advance(by: .milliseconds(1))
        #expect(try await harness.deferrable.stats() == QueueStats(available: 1, inFlight: 0, delayed: 0, errors: 0))
        #expect(try await harness.run() == .completed(JobRef(id: receipt.id, name: "delayed", group: harness.group)))
        #expect(runs.value == 1)
    }

    @Test("the envelope of a delayed job carries notBefore")
    func notBefore() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("nb", options: JobOptions(delay: .milliseconds(1500))) { (_: Payload, _) in }
        try await handle.later(Payload(n: 1))
        let envelope = try #require(harness.events.events.first { $0.kind == .push }?.envelope)
        #expect(envelope.notBefore == envelope.firstPushedAt + 1500)
    }

    @Test("a zero delay pushes at once")
    func zeroDelay() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("zero", options: JobOptions(delay: .seconds(0))) { (_: Payload, _) in }
        let receipt = try await handle.later(Payload(n: 1))
        #expect(receipt.disposition == .pushedNow)
        #expect(receipt.runnableAt == harness.clock.nowMillis())
        #expect(harness.events.events.first { $0.kind == .push }?.envelope?.notBefore == nil)
        #expect(try await harness.run().label == "completed")
    }

    @Test("delayed jobs become runnable in order of due time, not push order")
    func dueOrder() async throws {
        let harness = try Harness()
        let seen = Locked<[Int]>([])
        let delays = Locked<[Int]>([30, 10, 20])
        let handle = try harness.deferrable.register(
            "order", options: JobOptions(delay: .computed { .seconds(delays.withLock { $0.removeFirst() }) })
        ) { (args: Payload, _) in seen.append(args.n) }
        for n in [30, 10, 20] { try await handle.later(Payload(n: n)) }
        harness.clock.advance(by: .seconds(30))
        try await harness.drain()
        #expect(seen.value == [10, 20, 30])
    }

    @Test("laterMany with a delay delays every job")
    func laterManyDelayed() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("many-delayed", options: JobOptions(delay: .seconds(5))) { (_: Payload, _) in }
        let receipts = try await handle.laterMany([Payload(n: 1), Payload(n: 2), Payload(n: 3)])
        #expect(receipts.allSatisfy { $0.disposition == .delayed })
        #expect(try await harness.deferrable.stats().delayed == 3)
        #expect(try await harness.run() == .empty)
        harness.clock.advance(by: .seconds(5))
        #expect(try await harness.drain().count == 3)
    }
}
