import Deferrable
import DeferrableTestSupport
import Testing

/// A run holds its lease from the pop to its settlement, is cancelled when the lease is lost, and can tell downstream
/// systems which run it is. These run on the in-memory backend in real time: the lease keeper extends leases on the
/// continuous clock.
@Suite("Lease loss", .timeLimit(.minutes(1)))
struct LeaseLossTests {
    /// Long enough that a round of extensions (every third of it) delayed by a loaded machine still lands in time.
    private static let lease = Duration.seconds(3)

    private func make() throws -> Deferrable {
        try Deferrable(factory: MemoryBackendFactory(), group: "lease-loss", defaults: JobDefaults(lease: Self.lease))
    }

    @Test("a run whose lease extension is refused is cancelled and ends as leaseLost, closed by an `abandon` event")
    func refusedExtensionCancels() async throws {
        let deferrable = try make()
        let kinds = Locked<[DeferrableEvent.Kind]>([])
        deferrable.addObserver(ClosureObserver { event in kinds.withLock { $0.append(event.kind) } })
        let probe = CancellationProbe()
        let handle = try deferrable.register("taken-over") { (_: Int, _: JobContext) in
            // As another consumer would see it: the job is no longer held by this run.
            try await deferrable.backend.queue.flush()
            try await probe.waitForCancellation(upTo: .seconds(10))
        }
        let receipt = try await handle.later(1)
        let outcome = try await deferrable.runOnce(waitingUpTo: .zero)
        #expect(outcome == .leaseLost(JobRef(id: receipt.id, name: "taken-over", group: "lease-loss")))
        let cancelled = try #require(probe.cancelledAfter, "the run was not cancelled")
        #expect(cancelled < Self.lease * 2)
        #expect(kinds.withLock { $0 } == [.push, .pop, .abandon])
    }

    @Test("the lease is kept alive while observers of `pop` run, before the body starts")
    func leaseHeldDuringPopObservers() async throws {
        let deferrable = try make()
        let reclaimed = Locked<Bool?>(nil)
        deferrable.addObserver(
            ClosureObserver { event in
                guard event.kind == .pop else { return }
                // Two and a half leases long: without extensions the job would lapse and another consumer could take it.
                try await Task.sleep(for: Self.lease * 2.5)
                let other = try await deferrable.backend.queue.pop(lease: Self.lease, waitingUpTo: .zero)
                reclaimed.withLock { $0 = other != nil }
            })
        let attempts = Locked<[Int]>([])
        let handle = try deferrable.register("slow-observer") { (_: Int, context: JobContext) in
            attempts.withLock { $0.append(context.attempt) }
        }
        _ = try await handle.later(1)
        #expect(try await deferrable.runOnce(waitingUpTo: .zero).label == "completed")
        #expect(reclaimed.withLock { $0 } == false)
        #expect(attempts.withLock { $0 } == [1])
    }
}
