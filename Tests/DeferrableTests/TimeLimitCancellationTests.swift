import Deferrable
import Testing

@Suite("Time limit under cancellation")
struct TimeLimitCancellationTests {
    @Test("a job with a time limit that still succeeds after its runner is cancelled counts as completed")
    func successAfterCancellationIsKept() async throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: uniqueGroup())
        let job = try deferrable.register("stubborn", options: JobOptions(timeLimit: .seconds(30))) { (_: Int, _) in
            try? await Task.sleep(for: .milliseconds(300))  // ignores cancellation, then finishes well
        }
        let receipt = try await job.later(1)
        let run = Task { try await deferrable.runOnce(waitingUpTo: .zero) }
        try await Task.sleep(for: .milliseconds(50))
        run.cancel()
        #expect(try await run.value == .completed(JobRef(id: receipt.id, name: "stubborn", group: deferrable.group)))
        #expect(try await deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
    }
}
