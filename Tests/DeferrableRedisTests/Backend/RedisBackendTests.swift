import Deferrable
import DeferrableRedis
import Foundation
import Synchronization
import Testing

/// Redis-specific behaviour of the backend, against the real server at `REDIS_URL`.
@Suite("Redis backend", .enabled(if: ProcessInfo.processInfo.environment["REDIS_URL"] != nil), .timeLimit(.minutes(2)))
struct RedisBackendTests {
    let url = ProcessInfo.processInfo.environment["REDIS_URL"] ?? ""

    private func makeDeferrable(prefix: String = "rb", defaults: JobDefaults = JobDefaults()) throws -> (RedisBackendFactory, Deferrable) {
        let factory = try RedisBackendFactory(url: url, settings: RedisBackendSettings(keyPrefix: prefix))
        let group = "g-\(UUID().uuidString.prefix(8).lowercased())"
        return (factory, try Deferrable(factory: factory, group: group, defaults: defaults))
    }

    @Test("a job whose worker keeps dying ends in the error queue after maxAttempts reclaims")
    func reclaimCountsTowardMaxAttempts() async throws {
        let (_, deferrable) = try makeDeferrable(defaults: JobDefaults(lease: .milliseconds(150)))
        let ran = Atomic<Int>(0)
        let job = try deferrable.register("poison", options: JobOptions(maxAttempts: 3)) { (_: Int, _) in
            ran.add(1, ordering: .relaxed)
        }
        let receipt = try await job.later(1)
        // Three consumers take the job and "die" (never settle it); each lapse is a used attempt.
        for expectedReclaims in 0..<3 {
            let leased = try #require(try await popEventually(deferrable.backend.queue, lease: .milliseconds(150)))
            #expect(leased.id == receipt.id)
            #expect(leased.reclaims == expectedReclaims)
        }
        let deadline = ContinuousClock.now + .seconds(5)
        var outcome = RunOutcome.empty
        while outcome == .empty, ContinuousClock.now < deadline {
            outcome = try await deferrable.runOnce(waitingUpTo: .milliseconds(100))
        }
        guard case .failed(let ref, let reason) = outcome else {
            Issue.record("expected the job to be dead-lettered, got \(outcome)")
            return
        }
        #expect(ref.id == receipt.id)
        #expect(reason.hasPrefix("AttemptsExhausted"))
        #expect(ran.load(ordering: .relaxed) == 0)
        let dead = try #require(try await deferrable.errors.entry(id: receipt.id))
        #expect(dead.error.attempts == 3)
    }

    @Test("many producers and consumers over one client: every job runs exactly once")
    func concurrentProducersAndConsumers() async throws {
        let (_, deferrable) = try makeDeferrable()
        let runs = RunCounts()
        let job = try deferrable.register("count") { (n: Int, _) in
            runs.record(n)
        }
        let producers = 8
        let perProducer = 250
        try await withThrowingTaskGroup(of: Void.self) { group in
            for p in 0..<producers {
                group.addTask {
                    let numbers = (0..<perProducer).map { p * perProducer + $0 }
                    if p.isMultiple(of: 2) {
                        try await job.laterMany(numbers)
                    } else {
                        for n in numbers { try await job.later(n) }
                    }
                }
            }
            for _ in 0..<16 {
                group.addTask {
                    let deadline = ContinuousClock.now + .seconds(60)
                    while ContinuousClock.now < deadline {
                        if runs.distinct == producers * perProducer { return }
                        _ = try await deferrable.runOnce(waitingUpTo: .milliseconds(50))
                    }
                }
            }
            try await group.waitForAll()
        }
        let counts = runs.all
        #expect(counts.count == producers * perProducer)
        #expect(counts.values.allSatisfy { $0 == 1 })
        let stats = try await deferrable.stats()
        #expect(stats == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
    }

    @Test("laterMany is one round trip per batch", .enabled(if: ClientTestSupport.hasRedisServerBinary))
    func laterManyIsOneRoundTrip() async throws {
        // A server of its own, so that no other test's commands show in its command counters.
        let server = try await TemporaryRedisServer(arguments: [])
        defer { server.stop() }
        let factory = try RedisBackendFactory(url: "redis://127.0.0.1:\(server.port)")
        let deferrable = try Deferrable(factory: factory, group: "bulk")
        let job = try deferrable.register("bulk") { (_: Int, _) in }
        try await job.later(0)  // loads the script and registers the group
        _ = try await factory.client.send(RedisCommand("CONFIG", "RESETSTAT"))
        try await job.laterMany(Array(1...2500))
        // 2500 jobs in chunks of 1000: three LPUSHes of inline elements, sent as one pipeline, no script call.
        #expect(try await commandCalls("lpush", factory.client) == 3)
        #expect(try await commandCalls("evalsha", factory.client) == 0)
        #expect(try await deferrable.stats().available == 2501)
        // With a delayed job the batch goes through the push script instead: three script calls, one pipeline.
        let delayed = try deferrable.register("bulk-delayed", options: JobOptions(delay: .seconds(60))) { (_: Int, _) in }
        try await delayed.later(0)  // loads the push script
        _ = try await factory.client.send(RedisCommand("CONFIG", "RESETSTAT"))
        try await delayed.laterMany(Array(1...2500))
        #expect(try await commandCalls("evalsha", factory.client) == 3)
        #expect(try await commandCalls("lpush", factory.client) == 0)
        #expect(try await deferrable.stats().delayed == 2501)
        await factory.close()
    }

    @Test("keys follow the documented layout, with the group as a hash tag")
    func keyLayout() async throws {
        let (factory, deferrable) = try makeDeferrable(prefix: "layout")
        let job = try deferrable.register("k", options: JobOptions(delay: .seconds(60))) { (_: Int, _) in }
        let now = try deferrable.register("n") { (_: Int, _) in }
        try await job.later(1)
        try await now.later(2)
        let base = "layout:{\(deferrable.group)}:"
        #expect(try await type(of: base + "jobs", factory.client) == "hash")
        #expect(try await type(of: base + "ready", factory.client) == "list")
        #expect(try await type(of: base + "delayed", factory.client) == "zset")
        // The group is registered in the background after the first push.
        let deadline = ContinuousClock.now + .seconds(5)
        while try await !factory.knownGroups().contains(deferrable.group), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(try await factory.knownGroups().contains(deferrable.group))
        _ = try await factory.client.send(RedisCommand("DEL", "layout:groups"))
        try await deferrable.flush()
        #expect(try await type(of: base + "jobs", factory.client) == "none")
        #expect(try await type(of: base + "delayed", factory.client) == "none")
    }

    @Test("later() while Redis is down throws a typed error within the connect timeout")
    func serverDown() async throws {
        let port = try ClientTestSupport.freePort()
        var configuration = try RedisConfiguration(url: "redis://127.0.0.1:\(port)")
        configuration.connectTimeout = .milliseconds(500)
        let deferrable = try Deferrable(factory: RedisBackendFactory(configuration: configuration), group: "down")
        let job = try deferrable.register("x") { (_: Int, _) in }
        let started = ContinuousClock.now
        await #expect(throws: RedisError.self) { try await job.later(1) }
        await #expect(throws: RedisError.self) { _ = try await deferrable.runOnce(waitingUpTo: .milliseconds(100)) }
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test("two key prefixes on one Redis never see each other's jobs")
    func prefixIsolation() async throws {
        let group = "shared-\(UUID().uuidString.prefix(6).lowercased())"
        let a = try Deferrable(factory: RedisBackendFactory(url: url, settings: RedisBackendSettings(keyPrefix: "app-a")), group: group)
        let b = try Deferrable(factory: RedisBackendFactory(url: url, settings: RedisBackendSettings(keyPrefix: "app-b")), group: group)
        let jobA = try a.register("x") { (_: Int, _) in }
        _ = try b.register("x") { (_: Int, _) in }
        try await jobA.later(1)
        #expect(try await b.runOnce(waitingUpTo: .zero) == .empty)
        #expect(try await b.stats().available == 0)
        #expect(try await a.stats().available == 1)
        try await a.flush()
    }

    private func commandCalls(_ command: String, _ client: RedisClient) async throws -> Int {
        let info = try await client.send(RedisCommand("INFO", "commandstats")).string ?? ""
        guard let line = info.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("cmdstat_\(command):") }),
            let calls = line.split(separator: ",").first?.split(separator: "=").last
        else { return 0 }
        return Int(calls) ?? 0
    }

    private func type(of key: String, _ client: RedisClient) async throws -> String {
        try await client.send(RedisCommand("TYPE", key)).string ?? ""
    }
}

/// Pops until a job comes or 5 s pass.
func popEventually(_ queue: any JobQueue, lease: Duration) async throws -> LeasedJob? {
    let deadline = ContinuousClock.now + .seconds(5)
    while ContinuousClock.now < deadline {
        if let job = try await queue.pop(lease: lease, waitingUpTo: .milliseconds(100)) { return job }
    }
    return nil
}

/// Counts runs per job argument.
final class RunCounts: Sendable {
    private let counts = Mutex<[Int: Int]>([:])

    func record(_ n: Int) {
        counts.withLock { $0[n, default: 0] += 1 }
    }

    var distinct: Int { counts.withLock { $0.count } }
    var all: [Int: Int] { counts.withLock { $0 } }
}

@Suite("Redis error-queue trimming", .enabled(if: ProcessInfo.processInfo.environment["REDIS_URL"] != nil))
struct RedisErrorQueueTrimmingTests {
    @Test("a dead-letter into an error queue far over a lowered limit trims in bounded steps and never fails")
    func loweredLimitOnAFullQueue() async throws {
        let url = ProcessInfo.processInfo.environment["REDIS_URL"] ?? ""
        let group = "trim-\(UUID().uuidString.prefix(8).lowercased())"
        let factory = try RedisBackendFactory(
            url: url, settings: RedisBackendSettings(keyPrefix: "trim", errorQueueLimits: ErrorQueueLimits(maxEntries: 10)))
        let base = "trim:{\(group)}:"
        // 9,000 old entries written straight in (more than Lua's unpack limit of about 8,000).
        var commands: [RedisCommand] = []
        for start in stride(from: 0, to: 9000, by: 500) {
            let ids = (start..<start + 500).map { "old-\($0)" }
            commands.append(RedisCommand(["ZADD", base + "errors"] + ids.flatMap { ["1", $0] }))
            commands.append(RedisCommand(["HSET", base + "errors:payloads"] + ids.flatMap { [$0, "x"] }))
            commands.append(RedisCommand(["HSET", base + "errors:records"] + ids.flatMap { [$0, "{}"] }))
        }
        for result in try await factory.client.pipeline(commands) { _ = try result.get() }
        let deferrable = try Deferrable(factory: factory, group: group)
        let job = try deferrable.register("fails") { (_: Int, _) in throw JobControl.failNow("no") }
        try await job.later(1)
        guard case .failed = try await deferrable.runOnce(waitingUpTo: .seconds(1)) else {
            Issue.record("the job should have been dead-lettered")
            return
        }
        // 9,001 entries: 1,000 go by age (score 1 is older than 180 days) and 1,000 more by count in this step.
        #expect(try await deferrable.errors.count() == 7001)
        #expect(try await deferrable.stats().inFlight == 0)
        _ = try await deferrable.errors.purge()
    }
}
