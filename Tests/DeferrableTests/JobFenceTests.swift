import Deferrable
import DeferrableTestSupport
import Testing

/// A run's fence: the attempt and lease token a job passes to downstream systems to fence its writes.
@Suite("Job fence")
struct JobFenceTests {
    @Test("JobContext carries a fence: the attempt and this run's lease token, different for every run")
    func fence() async throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "fence")
        struct Again: Error {}
        let fences = Locked<[JobFence]>([])
        let attempts = Locked<[Int]>([])
        let handle = try deferrable.register(
            "fenced", options: JobOptions(maxAttempts: 2, retry: .on(Again.self), backoff: .fixed(.zero))
        ) { (_: Int, context: JobContext) in
            fences.withLock { $0.append(context.fence) }
            attempts.withLock { $0.append(context.attempt) }
            if context.attempt == 1 { throw Again() }
        }
        _ = try await handle.later(1)
        #expect(try await deferrable.runOnce(waitingUpTo: .zero).label == "retried")
        #expect(try await deferrable.runOnce(waitingUpTo: .zero).label == "completed")
        let seen = fences.withLock { $0 }
        #expect(seen.map(\.attempt) == attempts.withLock { $0 })
        #expect(seen.count == 2)
        #expect(Set(seen.map(\.leaseToken)).count == 2)
        #expect(seen.allSatisfy { !$0.leaseToken.isEmpty })
        #expect(seen[0] != seen[1])
    }
}
