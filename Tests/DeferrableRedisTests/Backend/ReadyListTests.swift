import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

/// The elements of the ready list and inbox (README, "Redis backend"): inline jobs, ids, wake-up markers.
@Suite("Redis ready list", .enabled(if: ProcessInfo.processInfo.environment["REDIS_URL"] != nil), .timeLimit(.minutes(1)))
struct ReadyListTests {
    let url = ProcessInfo.processInfo.environment["REDIS_URL"] ?? ""

    static let settings = RedisBackendSettings(keyPrefix: "rl", maxBlock: .seconds(2))

    /// A fresh group.
    private func makeDeferrable() throws -> (RedisBackendFactory, Deferrable, (String) -> String) {
        let factory = try RedisBackendFactory(url: url, settings: Self.settings)
        let group = "g-\(UUID().uuidString.prefix(8).lowercased())"
        return (factory, try Deferrable(factory: factory, group: group), Self.keys(of: group))
    }

    /// A fresh group on a server of its own (its blocked clients are this test's waiting consumers), where a waiting
    /// consumer blocks up to 30 s at a time (only a wake-up ends it early).
    private func makeWaitCountedDeferrable() async throws -> (WaitCountingFactory, RedisBackendFactory, Deferrable, (String) -> String) {
        let counted = try await WaitCountingFactory.redis(
            settings: RedisBackendSettings(keyPrefix: Self.settings.keyPrefix, maxBlock: .seconds(30)))
        let factory = try #require(counted.factory as? RedisBackendFactory)
        let group = "g-\(UUID().uuidString.prefix(8).lowercased())"
        return (counted, factory, try Deferrable(factory: factory, group: group), Self.keys(of: group))
    }

    private static func keys(of group: String) -> (String) -> String {
        { (name: String) in "\(settings.keyPrefix):{\(group)}:\(name)" }
    }

    /// Starts a consumer that waits up to 20 s (far longer than the test), runs `trigger` once it waits, and expects
    /// it to get the job whose id `trigger` returns within 5 s: only a wake-up can make it notice in time.
    private func expectWaitingConsumerWoken(
        _ deferrable: Deferrable, on counted: WaitCountingFactory, sourceLocation: SourceLocation = #_sourceLocation,
        trigger: () async throws -> String
    ) async throws {
        let waiting = Task { try await deferrable.backend.queue.pop(lease: .seconds(30), waitingUpTo: .seconds(20)) }
        try await counted.waitUntilWaiting(1, group: deferrable.group)
        let started = ContinuousClock.now
        let id = try await trigger()
        let leased = try #require(
            try await within(.seconds(10), "the waiting consumer to be woken") { try await waiting.value }, sourceLocation: sourceLocation)
        #expect(leased.id == id, sourceLocation: sourceLocation)
        #expect(ContinuousClock.now - started < .seconds(5), "woken, not at the end of its wait", sourceLocation: sourceLocation)
    }

    /// Waits until the server's clock reaches the due time of the first job of the delayed set `key`.
    private func waitUntilDue(_ key: String, _ client: RedisClient) async throws {
        let first = try await client.send(RedisCommand("ZRANGE", key, "0", "0", "WITHSCORES")).array ?? []
        let due = try #require(first.count == 2 ? first[1].int : nil, "no delayed job in \(key): \(first)")
        try await eventually("the delayed job to be due by the server's clock") {
            let time = try await client.send(RedisCommand("TIME")).array?.compactMap(\.int) ?? []
            return time.count == 2 && time[0] * 1000 + time[1] / 1000 >= due
        }
    }

    private func elements(_ key: String, _ client: RedisClient) async throws -> [[UInt8]] {
        (try await client.send(RedisCommand("LRANGE", key, "0", "-1")).array ?? []).compactMap(\.bytes)
    }

    @Test("a job runnable at once is one inline element; the pop stores its envelope under its id")
    func inlineElement() async throws {
        let (factory, deferrable, key) = try makeDeferrable()
        let job = try deferrable.register("j") { (_: Int, _) in }
        let receipt = try await job.later(7)
        let ready = try await elements(key("ready"), factory.client)
        #expect(ready.count == 1)
        let element = try #require(ready.first)
        #expect(Array(element.prefix(receipt.id.utf8.count + 2)) == [0] + Array(receipt.id.utf8) + [0])
        let envelope = try EnvelopeCodec.decode(Array(element.dropFirst(receipt.id.utf8.count + 2)))
        #expect(envelope.id == receipt.id && envelope.name == "j")
        #expect(try await factory.client.send(RedisCommand("HEXISTS", key("jobs"), receipt.id)).int == 0)

        let leased = try #require(try await deferrable.backend.queue.pop(lease: .seconds(30), waitingUpTo: .zero))
        #expect(leased.id == receipt.id)
        let stored = try await factory.client.send(RedisCommand("HGET", key("jobs"), receipt.id)).bytes
        #expect(stored == leased.payload, "the leased job's envelope is kept for a reclaim")
        #expect(try await deferrable.backend.queue.settle(leased, .complete()))
        #expect(try await factory.client.send(RedisCommand("EXISTS", key("jobs"), key("ready"), key("inbox"))).int == 0)
        await factory.close()
    }

    @Test("inline elements without a readable id reach the error queue as malformed, nothing is dropped")
    func malformedInlineElements() async throws {
        let (factory, deferrable, key) = try makeDeferrable()
        // No second NUL; an empty id.
        _ = try await factory.client.send(RedisCommand("LPUSH", [Array(key("ready").utf8), [0] + Array("no end".utf8)]))
        _ = try await factory.client.send(RedisCommand("LPUSH", [Array(key("ready").utf8), [0, 0] + Array("{}".utf8)]))
        #expect(try await deferrable.stats().available == 2)
        let peeked = try await #require(deferrable.backend.inspector).peekReady(offset: 0, limit: 10)
        #expect(peeked.map(\.id) == ["", ""], "listed with an empty id")
        for _ in 0..<2 {
            guard case .failed(_, let reason) = try await deferrable.runOnce(waitingUpTo: .zero) else {
                Issue.record("expected a malformed element to be dead-lettered")
                continue
            }
            #expect(reason.hasPrefix("MalformedEnvelope"))
        }
        let errors = try await deferrable.errors.list(offset: 0, limit: 10)
        #expect(errors.count == 2)
        #expect(errors.allSatisfy { $0.id.hasPrefix("malformed-") && !$0.payload.isEmpty })
        #expect(try await deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 2))
        await factory.close()
    }

    @Test("an element a consumer moved into the inbox before it died is taken first")
    func inboxFirst() async throws {
        let (factory, deferrable, key) = try makeDeferrable()
        let job = try deferrable.register("j") { (_: Int, _) in }
        let first = try await job.later(1)
        // What a waiting consumer's BRPOPLPUSH does just before it is killed.
        _ = try await factory.client.send(RedisCommand("RPOPLPUSH", key("ready"), key("inbox")))
        let second = try await job.later(2)
        #expect(try await deferrable.stats().available == 2)
        let peeked = try await #require(deferrable.backend.inspector).peekReady(offset: 0, limit: 10)
        #expect(peeked.map(\.id) == [first.id, second.id])
        let a = try #require(try await deferrable.backend.queue.pop(lease: .seconds(30), waitingUpTo: .zero))
        let b = try #require(try await deferrable.backend.queue.pop(lease: .seconds(30), waitingUpTo: .zero))
        #expect([a.id, b.id] == [first.id, second.id])
        await factory.close()
    }

    @Test(
        "a delayed job that becomes the next due wakes a waiting consumer; its marker is not counted as a job",
        .enabled(if: RedisServerProcess.isAvailable))
    func delayedHeadWakesWaiter() async throws {
        let (counted, factory, deferrable, key) = try await makeWaitCountedDeferrable()
        let job = try deferrable.register("later", options: JobOptions(delay: .seconds(1))) { (_: Int, _) in }

        // Nobody waits: the marker stays in the ready list, and stats do not count it.
        try await job.later(0)
        #expect(try await elements(key("ready"), factory.client) == [[]])
        #expect(try await deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 1, errors: 0))
        try await waitUntilDue(key("delayed"), factory.client)
        let early = try #require(try await deferrable.backend.queue.pop(lease: .seconds(30), waitingUpTo: .zero))
        #expect(try await deferrable.backend.queue.settle(early, .complete()))
        // That pop took a job, so it would not wait: it kept the marker for a consumer that will.
        #expect(try await elements(key("ready"), factory.client) == [[]])
        #expect(try await deferrable.backend.queue.pop(lease: .seconds(30), waitingUpTo: .zero) == nil)
        #expect(try await factory.client.send(RedisCommand("EXISTS", key("ready"), key("markers"))).int == 0)

        try await expectWaitingConsumerWoken(deferrable, on: counted) { try await job.later(1).id }
        await counted.close()
    }

    @Test("a marker count left behind (an older consumer dropped the marker) heals at the next empty pop")
    func strayMarkerCount() async throws {
        let (factory, deferrable, key) = try makeDeferrable()
        _ = try await factory.client.send(RedisCommand("SET", key("markers"), "1"))
        #expect(try await deferrable.stats().available == 0, "never negative")
        #expect(try await deferrable.backend.queue.pop(lease: .seconds(30), waitingUpTo: .zero) == nil)
        #expect(try await factory.client.send(RedisCommand("EXISTS", key("markers"))).int == 0)
        // With the count healed, a delayed job due first pushes a marker again.
        let job = try deferrable.register("later", options: JobOptions(delay: .seconds(60))) { (_: Int, _) in }
        try await job.later(0)
        #expect(try await elements(key("ready"), factory.client) == [[]])
        await factory.close()
    }

    @Test(
        "moving a delayed job's due time earlier wakes a waiting consumer, even when it stays the next due",
        .enabled(if: RedisServerProcess.isAvailable))
    func postponeEarlierWakes() async throws {
        let (counted, factory, deferrable, key) = try await makeWaitCountedDeferrable()
        let job = try deferrable.register("later", options: JobOptions(delay: .seconds(60))) { (_: Int, _) in }
        let receipt = try await job.later(0)
        #expect(try await deferrable.backend.queue.pop(lease: .seconds(30), waitingUpTo: .zero) == nil)  // takes the marker
        #expect(try await elements(key("ready"), factory.client).isEmpty)
        try await expectWaitingConsumerWoken(deferrable, on: counted) {
            let moved = try await deferrable.backend.queue.postpone(id: receipt.id, by: .milliseconds(200))
            #expect(moved)
            return receipt.id
        }
        await counted.close()
    }

    @Test("releasing lost pops also moves elements stranded in the inbox back to the ready list, oldest next")
    func releaseMovesInbox() async throws {
        let (factory, deferrable, key) = try makeDeferrable()
        let job = try deferrable.register("j") { (_: Int, _) in }
        let first = try await job.later(1)
        let second = try await job.later(2)
        _ = try await factory.client.send(RedisCommand("RPOPLPUSH", key("ready"), key("inbox")))
        _ = try await factory.client.send(RedisCommand("RPOPLPUSH", key("ready"), key("inbox")))
        _ = try await factory.client.evalScript(
            .releaseTokens, keys: [key("leases"), key("inflight"), key("ready"), key("inbox")], args: ["unknown"])
        #expect(try await elements(key("inbox"), factory.client).isEmpty)
        let a = try #require(try await deferrable.backend.queue.pop(lease: .seconds(30), waitingUpTo: .zero))
        let b = try #require(try await deferrable.backend.queue.pop(lease: .seconds(30), waitingUpTo: .zero))
        #expect([a.id, b.id] == [first.id, second.id])
        await factory.close()
    }

    @Test("ids that are empty or hold a NUL character are refused with a typed error", arguments: ["", "a\u{0}b"])
    func invalidIDs(id: String) async throws {
        let (factory, deferrable, _) = try makeDeferrable()
        let job = OutgoingJob(id: id, payload: Array("{}".utf8))
        await #expect(throws: DeferrableError.self) { try await deferrable.backend.queue.push(job) }
        await #expect(throws: DeferrableError.self) { try await deferrable.backend.queue.pushBatch([job]) }
        #expect(try await deferrable.stats().available == 0)
        await factory.close()
    }
}
