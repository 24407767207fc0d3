import Deferrable
import DeferrableTestSupport
import Testing

@Suite("Error queue admin")
struct ErrorQueueAdminTests {
    /// A harness with a job that fails permanently on its first `failures` runs.
    static func failing(_ harness: Harness, failures: Int = .max) throws -> (JobHandle<Payload>, Locked<[Int]>) {
        let attempts = Locked<[Int]>([])
        let handle = try harness.deferrable.register("doomed", options: JobOptions(maxAttempts: 3)) { (_: Payload, context) in
            attempts.append(context.attempt)
            if attempts.value.count <= failures { throw PermanentError() }
        }
        return (handle, attempts)
    }

    @Test("an entry records the error type as text, the message, attempts, host and time")
    func entryRecord() async throws {
        let harness = try Harness()
        let (handle, _) = try Self.failing(harness)
        let receipt = try await handle.later(Payload(n: 4))
        harness.clock.advance(by: .seconds(3))
        try await harness.run()
        let entry = try #require(try await harness.deferrable.errors.entry(id: receipt.id))
        #expect(entry.id == receipt.id)
        #expect(entry.error.type == "PermanentError")
        #expect(entry.error.message == "permanent failure for the test")
        #expect(entry.error.attempts == 1)
        #expect(!entry.error.host.isEmpty)
        #expect(entry.error.at == harness.clock.nowMillis())
        let envelope = try #require(entry.envelope)
        #expect(envelope.id == receipt.id)
        #expect(envelope.name == "doomed")
        #expect(envelope.argsJSON == Array(#"{"n":4}"#.utf8))
        #expect(envelope.attempts == 1)
        #expect(envelope.lastPushedAt == harness.clock.nowMillis())
        #expect(try await harness.deferrable.errors.entry(id: "no-such-id") == nil)
    }

    @Test("requeue moves one entry back with attempts reset, the same id, runnable at once")
    func requeueOne() async throws {
        let harness = try Harness()
        let (handle, attempts) = try Self.failing(harness, failures: 1)
        let receipt = try await handle.later(Payload(n: 1))
        try await harness.run()
        harness.clock.advance(by: .seconds(100))
        #expect(try await harness.deferrable.errors.requeue(id: receipt.id))
        #expect(try await harness.deferrable.errors.count() == 0)
        #expect(try await harness.deferrable.stats() == QueueStats(available: 1, inFlight: 0, delayed: 0, errors: 0))
        harness.events.reset()
        #expect(try await harness.run() == .completed(JobRef(id: receipt.id, name: "doomed", group: harness.group)))
        #expect(attempts.value == [1, 1])
        let popped = try #require(harness.events.events.first { $0.kind == .pop }?.envelope)
        #expect(popped.attempts == 0)
        #expect(popped.firstPushedAt == harness.clock.nowMillis(), "the TTL clock restarts")
        #expect(popped.notBefore == nil)
        #expect(try await harness.deferrable.errors.requeue(id: receipt.id) == false)
    }

    @Test("requeueAll requeues every envelope and skips payloads that are not envelopes")
    func requeueAll() async throws {
        let harness = try Harness()
        let (handle, attempts) = try Self.failing(harness, failures: 3)
        for n in 1...3 { try await handle.later(Payload(n: n)) }
        try await harness.queue.push(OutgoingJob(id: "junk", payload: Array("junk".utf8)))
        try await harness.drain()
        #expect(try await harness.deferrable.errors.count() == 4)
        #expect(try await harness.deferrable.errors.requeueAll() == 3)
        #expect(try await harness.deferrable.errors.list().map(\.id) == ["junk"])
        #expect(try await harness.drain().map(\.label) == ["completed", "completed", "completed"])
        #expect(attempts.value.count == 6)
    }

    @Test("list is oldest first and pages with offset and limit")
    func listOrder() async throws {
        let harness = try Harness()
        let (handle, _) = try Self.failing(harness)
        var ids: [String] = []
        for n in 0..<6 {
            ids.append(try await handle.later(Payload(n: n)).id)
            harness.clock.advance(by: .seconds(1))
            try await harness.run()
        }
        #expect(try await harness.deferrable.errors.list().map(\.id) == ids)
        #expect(try await harness.deferrable.errors.list(offset: 2, limit: 3).map(\.id) == Array(ids[2..<5]))
        #expect(try await harness.deferrable.errors.list(offset: 5, limit: 10).map(\.id) == [ids[5]])
        #expect(try await harness.deferrable.errors.list(offset: 6).isEmpty)
    }

    @Test("remove deletes one entry; purge deletes all and returns the count")
    func removeAndPurge() async throws {
        let harness = try Harness()
        let (handle, _) = try Self.failing(harness)
        let receipts = try await handle.laterMany((0..<4).map(Payload.init(n:)))
        try await harness.drain()
        #expect(try await harness.deferrable.errors.remove(id: receipts[1].id))
        #expect(try await harness.deferrable.errors.remove(id: receipts[1].id) == false)
        #expect(try await harness.deferrable.errors.list().map(\.id) == [receipts[0].id, receipts[2].id, receipts[3].id])
        #expect(try await harness.deferrable.errors.purge() == 3)
        #expect(try await harness.deferrable.errors.count() == 0)
        #expect(try await harness.deferrable.stats().errors == 0)
        #expect(try await harness.deferrable.errors.purge() == 0)
    }

    @Test("requeue of a payload that is not an envelope throws notAnEnvelope and keeps the entry")
    func requeueNotAnEnvelope() async throws {
        let harness = try Harness()
        let garbage = Array("{ definitely not an envelope".utf8)
        try await harness.queue.push(OutgoingJob(id: "bad-1", payload: garbage))
        #expect(try await harness.run().isFailed)
        await #expect {
            try await harness.deferrable.errors.requeue(id: "bad-1")
        } throws: { error in
            guard case .notAnEnvelope(let id, let reason) = error as? RequeueError else { return false }
            return id == "bad-1" && !reason.isEmpty
        }
        let kept = try #require(try await harness.deferrable.errors.entry(id: "bad-1"))
        #expect(kept.payload == garbage, "the payload is kept byte for byte")
        #expect(try await harness.deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 1))
    }

    @Test("count limit: past maxEntries the oldest entries go first")
    func countTrimming() async throws {
        let harness = try Harness(limits: ErrorQueueLimits(maxEntries: 3))
        let (handle, _) = try Self.failing(harness)
        var ids: [String] = []
        for n in 0..<5 {
            ids.append(try await handle.later(Payload(n: n)).id)
            harness.clock.advance(by: .milliseconds(10))
            try await harness.run()
        }
        #expect(try await harness.deferrable.errors.count() == 3)
        #expect(try await harness.deferrable.stats().errors == 3)
        #expect(try await harness.deferrable.errors.list().map(\.id) == Array(ids.suffix(3)))
        #expect(try await harness.deferrable.errors.entry(id: ids[0]) == nil)
    }

    @Test("age limit: entries older than maxAge are removed")
    func ageTrimming() async throws {
        let harness = try Harness(limits: ErrorQueueLimits(maxAge: .seconds(60)))
        let (handle, _) = try Self.failing(harness)
        let old = try await handle.later(Payload(n: 1))
        try await harness.run()
        harness.clock.advance(by: .seconds(30))
        let young = try await handle.later(Payload(n: 2))
        try await harness.run()
        harness.clock.advance(by: .seconds(31))
        #expect(try await harness.deferrable.errors.list().map(\.id) == [young.id])
        #expect(try await harness.deferrable.errors.count() == 1)
        harness.clock.advance(by: .seconds(30))
        #expect(try await harness.deferrable.errors.count() == 0)
        _ = old
    }

    @Test("age limit: stats and entry agree with count once entries are too old")
    func ageTrimmingConsistent() async throws {
        let harness = try Harness(limits: ErrorQueueLimits(maxAge: .seconds(60)))
        let (handle, _) = try Self.failing(harness)
        let old = try await handle.later(Payload(n: 1))
        try await harness.run()
        harness.clock.advance(by: .seconds(61))
        // No list/count call first: stats and entry alone must not report an entry past maxAge.
        #expect(try await harness.deferrable.stats().errors == 0)
        #expect(try await harness.deferrable.errors.entry(id: old.id) == nil)
        #expect(try await harness.deferrable.errors.count() == 0)
    }

    @Test("a job that fails again after a requeue is listed as the newest entry")
    func requeuedAndFailedAgainIsNewest() async throws {
        let harness = try Harness()
        let (handle, _) = try Self.failing(harness)
        let a = try await handle.later(Payload(n: 1))
        try await harness.run()
        let b = try await handle.later(Payload(n: 2))
        try await harness.run()
        // Same millisecond on purpose: order must not depend on the clock moving.
        #expect(try await harness.deferrable.errors.requeue(id: a.id))
        try await harness.run()
        #expect(try await harness.deferrable.errors.list().map(\.id) == [b.id, a.id])
    }
}
