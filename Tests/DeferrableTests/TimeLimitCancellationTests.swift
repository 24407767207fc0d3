import Deferrable
import DeferrableTestSupport
import Testing

@Suite("Time limit under cancellation")
struct TimeLimitCancellationTests {
    @Test("a job with a time limit that still succeeds after its runner is cancelled counts as completed")
    func successAfterCancellationIsKept() async throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: uniqueGroup())
        let started = AsyncGate()
        let cancelled = AsyncGate()
        let sawCancellation = Locked(false)
        let job = try deferrable.register("stubborn", options: JobOptions(timeLimit: .seconds(30))) { (_: Int, _) in
            // Waits for its cancellation, then ignores it and finishes well.
            await withTaskCancellationHandler {
                started.open()
                await cancelled.wait()
            } onCancel: {
                cancelled.open()
            }
            sawCancellation.withLock { $0 = Task.isCancelled }
        }
        let receipt = try await job.later(1)
        let run = Task { try await deferrable.runOnce(waitingUpTo: .zero) }
        try await within(.seconds(5), "the job to start") { await started.wait() }
        run.cancel()
        let outcome = try await within(.seconds(5), "runOnce to return") { try await run.value }
        #expect(sawCancellation.value, "the job ran on after its cancellation")
        #expect(outcome == .completed(JobRef(id: receipt.id, name: "stubborn", group: deferrable.group)))
        #expect(try await deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
    }
}
