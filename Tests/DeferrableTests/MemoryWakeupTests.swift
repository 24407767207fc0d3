import DeferrableTestSupport
import Testing

@testable import Deferrable

@Suite("Memory backend wake-up")
struct MemoryWakeupTests {
    @Test("a push racing with a pop that is about to wait is never lost (the pop does not sleep its whole wait)")
    func noLostWakeup() async throws {
        let store = MemoryGroupStore(clock: SystemClock(), limits: ErrorQueueLimits(), maxResults: 10)
        let queue = MemoryJobQueue(store: store)
        // The state of a pop that found nothing and is about to wait: it has read the epoch, not yet registered.
        let epoch = store.withState { state, _ in state.pushEpoch }
        try await queue.push(OutgoingJob(id: "x", payload: [1]))
        let started = ContinuousClock.now
        try await within(.seconds(25), "the wait to return") {
            await store.waitForWork(upTo: .seconds(30), unlessPushedSince: epoch)
        }
        #expect(started.duration(to: .now) < .seconds(10), "the wait slept although a job was pushed after the epoch was read")
        #expect(store.waitingConsumers == 0, "a wait that returned at once leaves no waiter behind")
    }

    @Test("a push wakes a pop that waits")
    func pushWakesWaitingPop() async throws {
        let factory = WaitCountingFactory.memory()
        let group = uniqueGroup()
        let queue = try factory.factory.makeBackend(group: group).queue
        let waiter = Task { try await queue.pop(lease: .seconds(30), waitingUpTo: .seconds(30)) }
        try await factory.waitUntilWaiting(1, group: group)
        let started = ContinuousClock.now
        try await queue.push(OutgoingJob(id: "x", payload: [1]))
        let job = try await within(.seconds(25), "the waiting pop to return") { try await waiter.value }
        #expect(job?.id == "x")
        #expect(started.duration(to: .now) < .seconds(10), "woken by the push, not at the end of its 30 s wait")
    }
}
