import Deferrable
import Testing

@Suite("Memory backend wake-up")
struct MemoryWakeupTests {
    @Test("a push racing with a pop that is about to wait is never lost (the pop does not sleep its whole wait)")
    func noLostWakeup() async throws {
        // A lost wake-up costs the full 3 s wait; scheduling delays on a busy machine stay far below 2 s.
        for iteration in 0..<5000 {
            let queue = try MemoryBackendFactory().makeBackend(group: uniqueGroup()).queue
            let waiter = Task { () -> (Bool, Duration) in
                let start = ContinuousClock.now
                let job = try await queue.pop(lease: .seconds(30), waitingUpTo: .seconds(3))
                return (job != nil, ContinuousClock.now - start)
            }
            await Task.yield()
            try await queue.push(OutgoingJob(id: "x", payload: [1]))
            let (gotJob, waited) = try await waiter.value
            #expect(gotJob)
            if waited > .seconds(2) {
                Issue.record("iteration \(iteration): the pop slept \(waited) although a job was pushed while it started waiting")
                return
            }
        }
    }
}
