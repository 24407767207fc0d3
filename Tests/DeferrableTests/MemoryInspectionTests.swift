import Deferrable
import DeferrableTestSupport
import Foundation
import Testing

/// Queue latency and worker expiry of the memory backend on a `ManualClock`: exact ages, no waiting.
@Suite("Memory inspection and worker directory")
struct MemoryInspectionTests {
    @Test("the latency is the exact age of the next runnable job: from its push, due time or requeue")
    func exactLatency() async throws {
        let harness = try Harness()
        let inspector = try #require(harness.deferrable.backend.inspector)
        try await harness.queue.push(OutgoingJob(id: "later", payload: Array("l".utf8), delay: .seconds(10)))
        #expect(try await inspector.oldestRunnableAge() == nil)
        harness.clock.advance(by: .seconds(15))
        #expect(try await inspector.oldestRunnableAge() == .seconds(5), "runnable since its due time")
        try await harness.queue.push(OutgoingJob(id: "now", payload: Array("n".utf8)))
        harness.clock.advance(by: .seconds(2))
        #expect(try await inspector.oldestRunnableAge() == .seconds(7))

        let first = try #require(try await harness.queue.pop(lease: .seconds(30), waitingUpTo: .zero))
        #expect(first.id == "later")
        #expect(try await inspector.oldestRunnableAge() == .seconds(2), "the pushed job is next")
        _ = try #require(try await harness.queue.pop(lease: .seconds(30), waitingUpTo: .zero))
        #expect(try await inspector.oldestRunnableAge() == nil)
        harness.clock.advance(by: .seconds(1))
        #expect(try await harness.queue.settle(first, .requeue(payload: nil, delay: .zero)))
        harness.clock.advance(by: .seconds(3))
        #expect(try await inspector.oldestRunnableAge() == .seconds(3), "runnable since its requeue")
    }

    @Test("a job whose lease lapsed is runnable from its lease deadline")
    func lapsedLease() async throws {
        let harness = try Harness()
        let inspector = try #require(harness.deferrable.backend.inspector)
        try await harness.queue.push(OutgoingJob(id: "held", payload: Array("h".utf8)))
        _ = try #require(try await harness.queue.pop(lease: .seconds(10), waitingUpTo: .zero))
        harness.clock.advance(by: .seconds(14))
        #expect(try await inspector.oldestRunnableAge() == .seconds(4))
        #expect(try await inspector.peekReady(offset: 0, limit: 5).map(\.id) == ["held"])
    }

    @Test("a heartbeat is listed for expiresAfter from the beat by the backend's clock, whatever beatMillis says")
    func expiryByBackendClock() async throws {
        let clock = ManualClock()
        let factory = MemoryBackendFactory(clock: clock)
        let directory = try #require(try factory.makeBackend(group: uniqueGroup()).workers)
        // A worker whose clock is far behind the backend's.
        let heartbeat = WorkerHeartbeat(
            id: "w-skewed", host: "h", pid: 1, startedMillis: 0, concurrency: 1, busySlots: 0, groups: ["g"], jobIDs: [],
            beatMillis: 0, expiresAfterMillis: 1000)
        try await directory.beat(heartbeat)
        #expect(try await directory.workers() == [heartbeat])
        clock.advance(by: .milliseconds(999))
        #expect(try await directory.workers() == [heartbeat])
        clock.advance(by: .milliseconds(1))
        #expect(try await directory.workers().isEmpty)
    }

    @Test("the factory's catalog lists the groups it made backends for, sorted")
    func catalog() async throws {
        let factory = MemoryBackendFactory()
        #expect(try await factory.knownGroups().isEmpty)
        _ = try factory.makeBackend(group: "zeta")
        _ = try factory.makeBackend(group: "alpha")
        _ = try factory.makeBackend(group: "zeta")
        #expect(try await factory.knownGroups() == ["alpha", "zeta"])
    }
}
