import Deferrable
import Testing

/// The `ErrorQueue` contract, driven directly through the protocol.
@Suite("ErrorQueue behaviour")
struct ErrorQueueBehaviourTests {
    static let lease = Duration.seconds(30)

    /// Dead-letters jobs `ids` in order through the main queue.
    static func deadLetter(_ ids: [String], in group: any Backend) async throws {
        for id in ids {
            try await group.queue.push(OutgoingJob(id: id, payload: payload("payload-\(id)")))
            let job = try #require(try await group.queue.pop(lease: lease, waitingUpTo: .zero))
            #expect(job.id == id)
            let record = ErrorRecord(type: "E", message: "failed \(id)", attempts: 1, host: "h", at: SystemClock().nowMillis())
            #expect(try await group.queue.settle(job, .deadLetter(payload: job.payload, error: record)))
        }
    }

    @Test("list is oldest first, with offset and limit", arguments: TestBackend.all)
    func list(backend: TestBackend) async throws {
        let group = try await backend.makeBackend()
        let ids = (0..<7).map { "e\($0)" }
        try await Self.deadLetter(ids, in: group)
        #expect(try await group.errorQueue.count() == 7)
        #expect(try await group.errorQueue.list(offset: 0, limit: 100).map(\.id) == ids)
        #expect(try await group.errorQueue.list(offset: 2, limit: 3).map(\.id) == ["e2", "e3", "e4"])
        #expect(try await group.errorQueue.list(offset: 6, limit: 3).map(\.id) == ["e6"])
        #expect(try await group.errorQueue.list(offset: 7, limit: 3).isEmpty)
    }

    @Test("entry returns one entry by id with its payload and record", arguments: TestBackend.all)
    func entry(backend: TestBackend) async throws {
        let group = try await backend.makeBackend()
        try await Self.deadLetter(["x", "y"], in: group)
        let y = try #require(try await group.errorQueue.entry(id: "y"))
        #expect(y.payload == payload("payload-y"))
        #expect(y.error.message == "failed y")
        #expect(y.error.type == "E")
        #expect(try await group.errorQueue.entry(id: "missing") == nil)
    }

    @Test("requeue moves the entry back to the main queue atomically", arguments: TestBackend.all)
    func requeue(backend: TestBackend) async throws {
        let group = try await backend.makeBackend()
        try await Self.deadLetter(["a", "b"], in: group)
        #expect(try await group.errorQueue.requeue(id: "a", as: OutgoingJob(id: "a", payload: payload("fresh-a"))))
        #expect(try await group.errorQueue.requeue(id: "a", as: OutgoingJob(id: "a", payload: payload("again"))) == false)
        #expect(try await group.errorQueue.requeue(id: "missing", as: OutgoingJob(id: "missing", payload: payload("m"))) == false)
        #expect(try await group.queue.stats() == QueueStats(available: 1, inFlight: 0, delayed: 0, errors: 1))
        #expect(try await group.errorQueue.list(offset: 0, limit: 10).map(\.id) == ["b"])
        let job = try #require(try await group.queue.pop(lease: Self.lease, waitingUpTo: .zero))
        #expect(job.id == "a")
        #expect(job.payload == payload("fresh-a"))
        #expect(job.reclaims == 0)
    }

    @Test("remove deletes one entry", arguments: TestBackend.all)
    func remove(backend: TestBackend) async throws {
        let group = try await backend.makeBackend()
        try await Self.deadLetter(["a", "b", "c"], in: group)
        #expect(try await group.errorQueue.remove(id: "b"))
        #expect(try await group.errorQueue.remove(id: "b") == false)
        #expect(try await group.errorQueue.list(offset: 0, limit: 10).map(\.id) == ["a", "c"])
        #expect(try await group.errorQueue.count() == 2)
        #expect(try await group.queue.stats().errors == 2)
    }

    @Test("purge removes every entry and returns how many", arguments: TestBackend.all)
    func purge(backend: TestBackend) async throws {
        let group = try await backend.makeBackend()
        try await Self.deadLetter(["a", "b", "c"], in: group)
        #expect(try await group.errorQueue.purge() == 3)
        #expect(try await group.errorQueue.count() == 0)
        #expect(try await group.errorQueue.list(offset: 0, limit: 10).isEmpty)
        #expect(try await group.queue.stats().errors == 0)
        #expect(try await group.errorQueue.purge() == 0)
    }

    @Test("past maxEntries the oldest entries are trimmed", arguments: TestBackend.trimmingErrorsByCount)
    func trimByCount(backend: TestBackend) async throws {
        let group = try await backend.makeBackend(errorQueueLimits: ErrorQueueLimits(maxEntries: 3))
        try await Self.deadLetter(["e0", "e1", "e2", "e3", "e4"], in: group)
        #expect(try await group.errorQueue.count() == 3)
        #expect(try await group.queue.stats().errors == 3)
        #expect(try await group.errorQueue.list(offset: 0, limit: 10).map(\.id) == ["e2", "e3", "e4"])
        #expect(try await group.errorQueue.entry(id: "e0") == nil)
        #expect(try await group.errorQueue.entry(id: "e1") == nil)
    }

    @Test("groups do not share jobs or error queues", arguments: TestBackend.all)
    func groupsIsolated(backend: TestBackend) async throws {
        let factory = try await backend.makeFactory()
        let one = try factory.makeBackend(group: TestBackend.uniqueGroup())
        let two = try factory.makeBackend(group: TestBackend.uniqueGroup())
        try await Self.deadLetter(["dead"], in: one)
        try await one.queue.push(OutgoingJob(id: "live", payload: payload("l")))
        #expect(try await two.queue.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
        #expect(try await two.queue.pop(lease: Self.lease, waitingUpTo: .zero) == nil)
        #expect(try await two.errorQueue.count() == 0)
        #expect(try await one.queue.stats() == QueueStats(available: 1, inFlight: 0, delayed: 0, errors: 1))
    }
}
