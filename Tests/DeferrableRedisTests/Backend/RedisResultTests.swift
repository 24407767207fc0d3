import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

/// Job results on Redis: what the settle script stores (and refuses to), the push path of jobs that keep a result,
/// the key TTL, waiting through the factory's one subscription, cancellation, flush, and a server that is down.
@Suite("Redis results", .enabled(if: ProcessInfo.processInfo.environment["REDIS_URL"] != nil), .timeLimit(.minutes(2)))
struct RedisResultTests {
    let url = ProcessInfo.processInfo.environment["REDIS_URL"] ?? ""
    static let prefix = "results"

    private func makeFactory() throws -> RedisBackendFactory {
        try RedisBackendFactory(url: url, settings: RedisBackendSettings(keyPrefix: Self.prefix))
    }

    private static func uniqueGroup() -> String { "g-\(UUID().uuidString.prefix(8).lowercased())" }

    private static func key(_ group: String, _ name: String) -> String { "\(prefix):{\(group)}:\(name)" }

    private static func record(_ id: String, value: String = "1") -> [UInt8] {
        JobResultRecordCodec.encode(
            JobResultRecord(id: id, name: "n", group: "g", state: .completed, finishedAt: 1, valueJSON: Array(value.utf8)))
    }

    private static func job(_ id: String) -> OutgoingJob {
        OutgoingJob(id: id, payload: Array("{}".utf8), keepsResult: true)
    }

    private static func uniqueID() -> String { "job-\(UUID().uuidString.prefix(8).lowercased())" }

    @Test("a job that keeps a result is pushed by id, so a lookup tells it from an unknown one")
    func pushedByID() async throws {
        let factory = try makeFactory()
        let group = Self.uniqueGroup()
        let backend = try factory.makeBackend(group: group)
        let store = try #require(backend.results)
        let single = Self.uniqueID()
        let batched = [Self.uniqueID(), Self.uniqueID()]
        try await backend.queue.push(Self.job(single))
        try await backend.queue.pushBatch(batched.map(Self.job))
        let ready = try await factory.client.send(RedisCommand("LRANGE", Self.key(group, "ready"), "0", "-1"))
        #expect(Set((ready.array ?? []).compactMap(\.string)) == Set([single] + batched))
        for id in [single] + batched {
            #expect(try await factory.client.send(RedisCommand("HEXISTS", Self.key(group, "jobs"), id)).int == 1)
            #expect(try await store.lookup(id: id) == .pending)
        }
        #expect(try await store.lookup(id: "never-pushed") == .unknown)
        await factory.close()
    }

    @Test("a completion stores the record with its TTL, indexes and counts it, in the settling step")
    func settlementStoresRecord() async throws {
        let factory = try makeFactory()
        let group = Self.uniqueGroup()
        let backend = try factory.makeBackend(group: group)
        let store = try #require(backend.results)
        let id = Self.uniqueID()
        try await backend.queue.push(Self.job(id))
        let leased = try #require(try await backend.queue.pop(lease: .seconds(10), waitingUpTo: .zero))
        let record = Self.record(id)
        #expect(try await backend.queue.settle(leased, .complete(result: StoredResult(record: record, ttl: .seconds(60)))))
        let client = factory.client
        #expect(try await client.send(RedisCommand("GET", Self.key(group, "result:\(id)"))).bytes == record)
        let ttl = try #require(try await client.send(RedisCommand("PTTL", Self.key(group, "result:\(id)"))).int)
        #expect(ttl > 0 && ttl <= 60_000)
        #expect(try await client.send(RedisCommand("ZSCORE", Self.key(group, "results"), id)).int != nil)
        let indexTTL = try #require(try await client.send(RedisCommand("PTTL", Self.key(group, "results"))).int)
        #expect(indexTTL > 0 && indexTTL <= 60_000, "the index expires with its latest member")
        #expect(try await client.send(RedisCommand("HEXISTS", Self.key(group, "jobs"), id)).int == 0)
        #expect(try await store.lookup(id: id) == .finished(record))
        #expect(try await store.count() == 1)
        await factory.close()
    }

    @Test("a dead-letter with a result stores it; a requeue stores none")
    func deadLetterAndRequeue() async throws {
        let factory = try makeFactory()
        let backend = try factory.makeBackend(group: Self.uniqueGroup())
        let store = try #require(backend.results)
        let id = Self.uniqueID()
        try await backend.queue.push(Self.job(id))
        var leased = try #require(try await backend.queue.pop(lease: .seconds(10), waitingUpTo: .zero))
        #expect(try await backend.queue.settle(leased, .requeue(payload: nil, delay: .zero)))
        #expect(try await store.lookup(id: id) == .pending)
        leased = try #require(try await backend.queue.pop(lease: .seconds(10), waitingUpTo: .zero))
        let error = ErrorRecord(type: "T", message: "m", attempts: 2, host: "h", at: 1)
        let record = Self.record(id)
        #expect(
            try await backend.queue.settle(
                leased, .deadLetter(payload: Array("{}".utf8), error: error, result: StoredResult(record: record, ttl: .seconds(60)))))
        #expect(try await store.lookup(id: id) == .finished(record))
        #expect(try await backend.errorQueue.count() == 1)
        await factory.close()
    }

    @Test("a refused settlement (stale lease token) stores no result; a recognised repeat stores none again")
    func refusedAndRepeatedSettlements() async throws {
        let factory = try makeFactory()
        let backend = try factory.makeBackend(group: Self.uniqueGroup())
        let store = try #require(backend.results)
        let id = Self.uniqueID()
        try await backend.queue.push(Self.job(id))
        let stale = try #require(try await backend.queue.pop(lease: .milliseconds(50), waitingUpTo: .zero))
        var current: LeasedJob?
        let deadline = ContinuousClock.now + .seconds(10)
        while current == nil, ContinuousClock.now < deadline {
            current = try await backend.queue.pop(lease: .seconds(30), waitingUpTo: .milliseconds(20))
        }
        let taken = try #require(current, "the lapsed lease was reclaimed")
        let refused = StoredResult(record: Self.record(id, value: "\"stale\""), ttl: .seconds(60))
        #expect(try await backend.queue.settle(stale, .complete(result: refused)) == false)
        #expect(try await store.lookup(id: id) == .pending, "the refused settlement stored nothing")
        let first = Self.record(id, value: "\"first\"")
        #expect(try await backend.queue.settle(taken, .complete(result: StoredResult(record: first, ttl: .seconds(60)))))
        let repeated = StoredResult(record: Self.record(id, value: "\"repeat\""), ttl: .seconds(60))
        #expect(try await backend.queue.settle(taken, .complete(result: repeated)))
        #expect(try await store.lookup(id: id) == .finished(first))
        #expect(try await store.count() == 1)
        await factory.close()
    }

    @Test("a short result TTL: the key expires by itself and the future says resultNotKept .missing")
    func shortTTL() async throws {
        let factory = try makeFactory()
        let group = Self.uniqueGroup()
        let deferrable = try Deferrable(factory: factory, group: group)
        let job = try deferrable.register("short", returning: Int.self, options: JobOptions(resultTTL: .seconds(2))) {
            (n: Int, _) in n
        }
        let future = try await job.later(7)
        #expect(try await runCompletes(deferrable))
        #expect(try await future.result(waitingUpTo: .zero) == 7)
        let gone = try await eventually(within: .seconds(10)) {
            try await factory.client.send(RedisCommand("EXISTS", Self.key(group, "result:\(future.id)"))).int == 0
        }
        #expect(gone, "the result key expired")
        await #expect(throws: JobResultError.resultNotKept(jobID: future.id, reason: .missing)) {
            try await future.result(waitingUpTo: .zero)
        }
        #expect(try await deferrable.backend.results?.count() == 0)
        await factory.close()
    }

    @Test("waiters of two groups share the factory's one subscription, and each gets its own value")
    func oneSubscription() async throws {
        let factory = try makeFactory()
        let groups = [Self.uniqueGroup(), Self.uniqueGroup()]
        var deferrables: [Deferrable] = []
        var waiters: [Task<Int, any Error>] = []
        for group in groups {
            let deferrable = try Deferrable(factory: factory, group: group)
            let job = try deferrable.register("double", returning: Int.self) { (n: Int, _) in n * 2 }
            for n in 0..<20 {
                let future = try await job.later(n)
                waiters.append(Task { try await future.result(waitingUpTo: .seconds(30)) })
            }
            deferrables.append(deferrable)
        }
        let subscribed = try await eventually(within: .seconds(10)) {
            try await subscriberCounts(factory.client, groups: groups) == [1, 1]
        }
        #expect(subscribed, "each group's channel has exactly one subscriber")
        for deferrable in deferrables {
            for _ in 0..<20 { #expect(try await runCompletes(deferrable)) }
        }
        var values: [Int] = []
        for waiter in waiters { values.append(try await within(.seconds(10), "a waiter") { try await waiter.value }) }
        #expect(values == (0..<20).map { $0 * 2 } + (0..<20).map { $0 * 2 })
        await factory.close()
    }

    @Test("cancelling a waiting task ends its wait at once with CancellationError")
    func cancellation() async throws {
        let factory = try makeFactory()
        let group = Self.uniqueGroup()
        let deferrable = try Deferrable(factory: factory, group: group)
        let job = try deferrable.register("never-run", returning: Int.self) { (n: Int, _) in n }
        let future = try await job.later(1)
        let waiter = Task { try await future.result(waitingUpTo: .seconds(60)) }
        let subscribed = try await eventually(within: .seconds(10)) {
            try await subscriberCounts(factory.client, groups: [group]) == [1]
        }
        #expect(subscribed)
        let start = ContinuousClock.now
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await within(.seconds(5), "the cancelled waiter") { try await waiter.value } }
        #expect(start.duration(to: .now) < .seconds(2))
        await factory.close()
    }

    @Test("flush removes the group's stored results")
    func flushRemovesResults() async throws {
        let factory = try makeFactory()
        let group = Self.uniqueGroup()
        let backend = try factory.makeBackend(group: group)
        let store = try #require(backend.results)
        let ids = (0..<3).map { _ in Self.uniqueID() }
        try await backend.queue.pushBatch(ids.map(Self.job))
        for _ in ids {
            let leased = try #require(try await backend.queue.pop(lease: .seconds(10), waitingUpTo: .zero))
            let result = StoredResult(record: Self.record(leased.id), ttl: .seconds(60))
            #expect(try await backend.queue.settle(leased, .complete(result: result)))
        }
        #expect(try await store.count() == 3)
        try await backend.queue.flush()
        #expect(try await store.count() == 0)
        for id in ids {
            #expect(try await store.lookup(id: id) == .unknown)
            #expect(try await factory.client.send(RedisCommand("EXISTS", Self.key(group, "result:\(id)"))).int == 0)
        }
        #expect(try await factory.client.send(RedisCommand("EXISTS", Self.key(group, "results"))).int == 0)
        await factory.close()
    }

    @Test("against a server that is down, isDone and a wait throw the typed connection error, not notDone")
    func serverDown() async throws {
        let port = try freeLoopbackPort()
        let configuration = RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: port), connectTimeout: .milliseconds(500))
        let factory = RedisBackendFactory(configuration: configuration, settings: RedisBackendSettings(keyPrefix: Self.prefix))
        let deferrable = try Deferrable(factory: factory, group: Self.uniqueGroup())
        let future = try deferrable.future(for: "some-id", as: Int.self)
        let start = ContinuousClock.now
        await #expect {
            try await within(.seconds(5), "isDone") { try await future.isDone() }
        } throws: { error in
            if case RedisError.cannotConnect = error { return true }
            return false
        }
        #expect(start.duration(to: .now) < .seconds(3))
        let waitStart = ContinuousClock.now
        await #expect {
            try await within(.seconds(10), "the wait") { try await future.result(waitingUpTo: .milliseconds(800)) }
        } throws: { error in
            if case RedisError.cannotConnect = error { return true }
            return false
        }
        let waited = waitStart.duration(to: .now)
        #expect(waited >= .milliseconds(800), "the wait retried until its deadline")
        #expect(waited < .seconds(5))
        await factory.close()
    }
}

/// Calls `runOnce` until it returns something other than `.empty` (at most 10 s); whether that was a completion.
private func runCompletes(_ deferrable: Deferrable) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < deadline {
        let outcome = try await deferrable.runOnce(waitingUpTo: .milliseconds(100))
        if case .completed = outcome { return true }
        if outcome != .empty { return false }
    }
    return false
}

/// `PUBSUB NUMSUB` of each group's result channel.
private func subscriberCounts(_ client: RedisClient, groups: [String]) async throws -> [Int64] {
    let channels = groups.map { "\(RedisResultTests.prefix):{\($0)}:results:done" }
    let reply = try await client.send(RedisCommand(["PUBSUB", "NUMSUB"] + channels))
    let parts = reply.array ?? []
    return stride(from: 1, to: parts.count, by: 2).compactMap { parts[$0].int }
}
