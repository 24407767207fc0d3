import Deferrable
import DeferrableTestSupport
import Testing

/// The `QueueInspector` contract: peeking lists runnable jobs in take order without taking them, and the queue latency
/// is the age of the oldest runnable job.
@Suite("QueueInspector behaviour")
struct QueueInspectorBehaviourTests {
    static let lease = Duration.seconds(30)

    @Test("peekReady lists runnable jobs in take order, from the offset, without taking them", arguments: TestBackend.keepingRecords)
    func peekOrder(backend: TestBackend) async throws {
        let queued = try await backend.makeBackend()
        let inspector = try #require(queued.inspector)
        let ids = (0..<30).map { "job-\($0)" }
        for id in ids { try await queued.queue.push(OutgoingJob(id: id, payload: payload("p-\(id)"))) }
        try await queued.queue.push(OutgoingJob(id: "later", payload: payload("l"), delay: .seconds(60)))

        let first = try await inspector.peekReady(offset: 0, limit: 10)
        #expect(first.map(\.id) == Array(ids[0..<10]))
        #expect(first.map(\.payload) == ids[0..<10].map { payload("p-\($0)") })
        #expect(try await inspector.peekReady(offset: 10, limit: 5).map(\.id) == Array(ids[10..<15]))
        #expect(try await inspector.peekReady(offset: 28, limit: 10).map(\.id) == Array(ids[28...]), "the delayed job is not listed")
        #expect(try await inspector.peekReady(offset: 30, limit: 10).isEmpty)
        #expect(try await queued.queue.stats() == QueueStats(available: 30, inFlight: 0, delayed: 1, errors: 0))

        let taken = try #require(try await queued.queue.pop(lease: Self.lease, waitingUpTo: .zero))
        #expect(taken.id == ids[0], "peeking took nothing")
        #expect(try await inspector.peekReady(offset: 0, limit: 2).map(\.id) == Array(ids[1..<3]), "a leased job is not listed")
    }

    @Test("peekReady clamps the limit to 0 ... 1000 and a negative offset to 0", arguments: TestBackend.keepingRecords)
    func peekClamping(backend: TestBackend) async throws {
        let queued = try await backend.makeBackend()
        let inspector = try #require(queued.inspector)
        try await queued.queue.pushBatch((0..<1005).map { OutgoingJob(id: "b-\($0)", payload: payload("\($0)")) })
        #expect(try await inspector.peekReady(offset: 0, limit: 5000).count == 1000)
        #expect(try await inspector.peekReady(offset: 0, limit: Int.max).count == 1000)
        #expect(try await inspector.peekReady(offset: 0, limit: 0).isEmpty)
        #expect(try await inspector.peekReady(offset: 0, limit: -3).isEmpty)
        #expect(try await inspector.peekReady(offset: -5, limit: 2).map(\.id) == ["b-0", "b-1"])
        #expect(try await inspector.peekReady(offset: Int.max, limit: 2).isEmpty)
        #expect(try await inspector.peekReady(offset: 1000, limit: 1000).map(\.id) == (1000..<1005).map { "b-\($0)" })
    }

    @Test("the oldest runnable age is nil for an empty queue and grows while the job waits", arguments: TestBackend.keepingRecords)
    func latencyGrows(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let job = try deferrable.register("wait") { (_: Int, _) in }
        let queue = deferrable.backend.queue
        let inspector = try #require(deferrable.backend.inspector)
        #expect(try await inspector.oldestRunnableAge() == nil)
        _ = try await job.later(1)
        let firstAge = try #require(try await inspector.oldestRunnableAge())
        #expect(firstAge >= .zero)
        try await eventually("the age to grow past 50 ms") {
            (try await inspector.oldestRunnableAge() ?? .zero) >= firstAge + .milliseconds(50)
        }
        let leased = try #require(try await queue.pop(lease: Self.lease, waitingUpTo: .zero))
        #expect(try await inspector.oldestRunnableAge() == nil, "a leased job is not runnable")
        #expect(try await queue.settle(leased, .complete()))
        #expect(try await inspector.oldestRunnableAge() == nil)
    }

    @Test("a runnable job whose payload is not an envelope has a latency too", arguments: TestBackend.keepingRecords)
    func latencyOfMalformedJob(backend: TestBackend) async throws {
        let queued = try await backend.makeBackend()
        let inspector = try #require(queued.inspector)
        try await queued.queue.push(OutgoingJob(id: "garbage", payload: payload("not an envelope")))
        #expect(try await inspector.oldestRunnableAge() != nil)
    }

    @Test("a delayed job counts for the latency only once it is due, from its due time", arguments: TestBackend.keepingRecords)
    func latencyOfDelayedJob(backend: TestBackend) async throws {
        let queued = try await backend.makeBackend()
        let inspector = try #require(queued.inspector)
        // Long enough that the two looks right after the push happen before it is due, even on a loaded machine.
        try await queued.queue.push(OutgoingJob(id: "later", payload: payload("l"), delay: .seconds(3)))
        #expect(try await inspector.oldestRunnableAge() == nil, "not due yet")
        #expect(try await inspector.peekReady(offset: 0, limit: 10).isEmpty)
        // No consumer pops, so nothing moves the due job; the inspector still sees it runnable.
        try await eventually("the delayed job to be due", timeout: patience) {
            try await inspector.oldestRunnableAge() != nil
        }
        let age = try #require(try await inspector.oldestRunnableAge())
        #expect(age < .seconds(5), "measured from the due time, not from the push")
        #expect(try await inspector.peekReady(offset: 0, limit: 10).map(\.id) == ["later"])
    }

    @Test("a job whose lease lapsed is listed and counted before any consumer takes it back", arguments: TestBackend.keepingRecords)
    func lapsedLease(backend: TestBackend) async throws {
        let queued = try await backend.makeBackend()
        let inspector = try #require(queued.inspector)
        try await queued.queue.push(OutgoingJob(id: "first", payload: payload("1")))
        try await queued.queue.push(OutgoingJob(id: "second", payload: payload("2")))
        // A lease long enough that a loaded machine cannot let it lapse before the first check.
        _ = try #require(try await queued.queue.pop(lease: .seconds(2), waitingUpTo: .zero))
        #expect(try await inspector.peekReady(offset: 0, limit: 10).map(\.id) == ["second"])
        try await eventually("the lapsed job to be listed after the queued one", timeout: patience) {
            try await inspector.peekReady(offset: 0, limit: 10).map(\.id) == ["second", "first"]
        }
        #expect(try await inspector.peekReady(offset: 1, limit: 10).map(\.id) == ["first"])
        #expect(try await inspector.oldestRunnableAge() != nil)
    }
}
