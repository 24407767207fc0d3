import Deferrable
import DeferrableTestSupport
import Testing

@Suite("Leases")
struct LeaseTests {
    static let lease = Duration.seconds(300)

    @Test("a job whose lease lapses is reclaimed and runnable again with reclaims increased")
    func reclaim() async throws {
        let harness = try Harness(defaults: JobDefaults(lease: Self.lease))
        let handle = try harness.deferrable.register("leased") { (_: Payload, _) in }
        let receipt = try await handle.later(Payload(n: 1))
        let first = try #require(try await harness.queue.pop(lease: Self.lease, waitingUpTo: .zero))
        #expect(first.id == receipt.id)
        #expect(first.reclaims == 0)
        #expect(first.poppedAt == harness.clock.nowMillis())
        #expect(try await harness.queue.pop(lease: Self.lease, waitingUpTo: .zero) == nil)
        #expect(try await harness.deferrable.stats() == QueueStats(available: 0, inFlight: 1, delayed: 0, errors: 0))
        harness.clock.advance(by: Self.lease - .milliseconds(1))
        #expect(try await harness.queue.pop(lease: Self.lease, waitingUpTo: .zero) == nil, "still held 1 ms before the deadline")
        harness.clock.advance(by: .milliseconds(1))
        let second = try #require(try await harness.queue.pop(lease: Self.lease, waitingUpTo: .zero))
        #expect(second.id == receipt.id)
        #expect(second.reclaims == 1)
        #expect(second.leaseToken != first.leaseToken)
        #expect(try await harness.queue.settle(first, .complete()) == false, "the stale lease cannot settle")
        #expect(try await harness.queue.settle(second, .complete()))
        #expect(try await harness.deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
    }

    @Test("a reclaim counts as an attempt: the next run sees attempt 2")
    func reclaimCountsAsAttempt() async throws {
        let harness = try Harness(defaults: JobDefaults(lease: Self.lease))
        let attempts = Locked<[Int]>([])
        let handle = try harness.deferrable.register("reclaimed", options: JobOptions(maxAttempts: 3)) { (_: Payload, context) in
            attempts.append(context.attempt)
        }
        try await handle.later(Payload(n: 1))
        _ = try #require(try await harness.queue.pop(lease: Self.lease, waitingUpTo: .zero))
        harness.clock.advance(by: Self.lease + .milliseconds(1))
        #expect(try await harness.run().label == "completed")
        #expect(attempts.value == [2])
    }

    @Test("with maxAttempts 3, three lapsed leases send the job to the error queue on the 4th pop without running it")
    func lapsesExhaustAttempts() async throws {
        let harness = try Harness(defaults: JobDefaults(lease: Self.lease))
        let runs = Locked(0)
        let handle = try harness.deferrable.register("abandoned", options: JobOptions(maxAttempts: 3)) { (_: Payload, _) in
            runs.increment()
        }
        let receipt = try await handle.later(Payload(n: 1))
        for expectedReclaims in 0..<3 {
            let leased = try #require(try await harness.queue.pop(lease: Self.lease, waitingUpTo: .zero))
            #expect(leased.reclaims == expectedReclaims)
            harness.clock.advance(by: Self.lease + .milliseconds(1))
        }
        let outcome = try await harness.run()
        #expect(outcome.isFailed)
        #expect(runs.value == 0)
        let entry = try #require(try await harness.onlyErrorEntry())
        #expect(entry.id == receipt.id)
        #expect(entry.error.type == "AttemptsExhausted")
        #expect(entry.error.attempts == 3)
        #expect(entry.error.message.contains("lease"))
        #expect(try await harness.deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 1))
    }

    @Test("extendLease keeps the job held past its first deadline")
    func extend() async throws {
        let harness = try Harness(defaults: JobDefaults(lease: Self.lease))
        let handle = try harness.deferrable.register("extended") { (_: Payload, _) in }
        try await handle.later(Payload(n: 1))
        let leased = try #require(try await harness.queue.pop(lease: Self.lease, waitingUpTo: .zero))
        for _ in 0..<5 {
            harness.clock.advance(by: .seconds(240))
            #expect(try await harness.queue.extendLease(leased, by: Self.lease))
            #expect(try await harness.queue.pop(lease: Self.lease, waitingUpTo: .zero) == nil)
        }
        #expect(try await harness.deferrable.stats().inFlight == 1)
        #expect(try await harness.queue.settle(leased, .complete()))
        #expect(try await harness.queue.extendLease(leased, by: Self.lease) == false, "a settled job has no lease to extend")
    }

    @Test("a lapsed lease cannot be extended")
    func extendAfterLapse() async throws {
        let harness = try Harness(defaults: JobDefaults(lease: Self.lease))
        let handle = try harness.deferrable.register("lapsed") { (_: Payload, _) in }
        try await handle.later(Payload(n: 1))
        let first = try #require(try await harness.queue.pop(lease: Self.lease, waitingUpTo: .zero))
        harness.clock.advance(by: Self.lease + .milliseconds(1))
        let second = try #require(try await harness.queue.pop(lease: Self.lease, waitingUpTo: .zero))
        #expect(try await harness.queue.extendLease(first, by: Self.lease) == false)
        #expect(try await harness.queue.extendLease(second, by: Self.lease))
    }

    @Test("a run whose lease was lost while it ran reports leaseLost and does not settle")
    func leaseLostDuringRun() async throws {
        let harness = try Harness(defaults: JobDefaults(lease: Self.lease))
        let started = AsyncGate()
        let finish = AsyncGate()
        let handle = try harness.deferrable.register("slow") { (_: Payload, _) in
            started.open()
            await finish.wait()
        }
        let receipt = try await handle.later(Payload(n: 1))
        let run = Task { try await harness.run() }
        await started.wait()
        harness.clock.advance(by: Self.lease + .milliseconds(1))
        let thief = try #require(try await harness.queue.pop(lease: Self.lease, waitingUpTo: .zero))
        #expect(thief.id == receipt.id)
        finish.open()
        #expect(try await run.value == .leaseLost(JobRef(id: receipt.id, name: "slow", group: harness.group)))
        #expect(try await harness.deferrable.stats().inFlight == 1, "the other consumer still holds it")
        #expect(try await harness.queue.settle(thief, .complete()))
    }
}
