import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Job results on Redis across processes and outages: a future rebuilt in a second process, a Redis restart and a
/// `CLIENT KILL TYPE pubsub` while 100 futures wait, and a million results (long run) that expire by themselves.
@Suite("Result faults", .serialized, .enabled(if: FaultEnv.canStartRedis, "needs redis-server on PATH"), .timeLimit(.minutes(10)))
struct ResultFaultTests {
    /// A factory, a `Deferrable` and the `fault-result` job (returns `n * 2`, as in the fault worker).
    private func makeResultProducer(url: String, prefix: String, group: String) throws -> (
        RedisBackendFactory, Deferrable, ResultJobHandle<FaultArgs, Int>
    ) {
        let factory = try makeQuietFactory(url: url, prefix: prefix)
        let deferrable = try Deferrable(factory: factory, group: group, logger: quietLogger())
        let job = try deferrable.register("fault-result", returning: Int.self) { (args: FaultArgs, _: JobContext) in args.n * 2 }
        return (factory, deferrable, job)
    }

    @Test("A future rebuilt from the id in a second process gets the value; and a job pushed there is collected here")
    func secondProcess() async throws {
        let server = try await RedisServerProcess()
        defer { server.discard() }
        let directory = try makeTemporaryDirectory("result-process")
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = uniquePrefix("result")
        let group = uniqueGroup()
        let (factory, deferrable, job) = try makeResultProducer(url: server.url, prefix: prefix, group: group)
        let admin = factory.client

        // This process pushes; the other one rebuilds the future from the id and waits.
        let future = try await job.later(FaultArgs(n: 21))
        let waitOut = directory.appendingPathComponent("wait.txt")
        let waiter = try await ProcessRunner(
            arguments: [
                "--redis", server.url, "--group", group, "--key-prefix", prefix, "--mode", "wait-result", "--id", future.id,
                "--wait-ms", "60000", "--out", waitOut.path, "--max-seconds", "90",
            ], directory: directory, name: "waiter")
        defer { waiter.discard() }
        let channel = redisKey(prefix: prefix, group: group, "results:done")
        let subscribed = try await eventually(within: .seconds(30)) {
            try await admin.send(RedisCommand("PUBSUB", "NUMSUB", channel)).array?.last?.int == 1
        }
        try #require(subscribed, "the second process subscribed; \(waiter.output)")
        #expect(try await completeJobs(deferrable, count: 1))
        let answered = await eventually(within: .seconds(30)) { !readLines(waitOut).isEmpty }
        #expect(answered, "the second process answered; \(waiter.output)")
        #expect(readLines(waitOut) == ["value 42"])
        await #expect(waiter.waitForExit(within: .seconds(30)) == 0)

        // The other process pushes; this one rebuilds the futures from the ids it printed.
        let pushOut = directory.appendingPathComponent("pushed.txt")
        let pusher = try await ProcessRunner(
            arguments: [
                "--redis", server.url, "--group", group, "--key-prefix", prefix, "--mode", "produce-results", "--count", "3",
                "--out", pushOut.path, "--max-seconds", "60",
            ], directory: directory, name: "pusher")
        defer { pusher.discard() }
        await #expect(pusher.waitForExit(within: .seconds(30)) == 0, "\(pusher.output)")
        let ids = readLines(pushOut)
        try #require(ids.count == 3)
        let futures = try ids.map { try deferrable.future(for: $0, as: Int.self) }
        for future in futures { #expect(try await future.isDone() == false) }
        #expect(try await completeJobs(deferrable, count: 3))
        var values: [Int] = []
        for future in futures { values.append(try await future.result(waitingUpTo: .seconds(10))) }
        #expect(values == [0, 2, 4])
        await factory.close()
    }

    @Test("100 futures waiting through a Redis restart all get their results")
    func restartWhileWaiting() async throws {
        let server = try await RedisServerProcess(arguments: ["--appendonly", "yes", "--appendfsync", "always"])
        defer { server.discard() }
        try await waitersSurvive(server: server, label: "restart") { _ in
            try await server.restart(signal: SIGTERM)
        }
    }

    @Test("100 futures waiting through CLIENT KILL TYPE pubsub all get their results")
    func clientKillWhileWaiting() async throws {
        let server = try await RedisServerProcess()
        defer { server.discard() }
        try await waitersSurvive(server: server, label: "client-kill") { admin in
            let killed = try await admin.send(RedisCommand("CLIENT", "KILL", "TYPE", "pubsub"))
            #expect(killed.int == 1, "the one subscriber connection was killed")
        }
    }

    @Test(
        "A subscription whose connection hangs (replies lost, no reset) is replaced: the waiter still gets its value",
        .enabled(if: ReplyDroppingProxy.isAvailable, "needs python3"))
    func hungSubscription() async throws {
        let server = try await RedisServerProcess()
        defer { server.discard() }
        let proxy = try await ReplyDroppingProxy(upstreamPort: server.port)
        defer { proxy.stop() }
        let prefix = uniquePrefix("hung")
        let group = uniqueGroup()
        let configuration = RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: proxy.port), commandTimeout: .seconds(1))
        let factory = RedisBackendFactory(
            configuration: configuration, settings: RedisBackendSettings(keyPrefix: prefix), logger: quietLogger())
        let deferrable = try Deferrable(factory: factory, group: group, logger: quietLogger())
        let job = try deferrable.register("fault-result", returning: Int.self) { (args: FaultArgs, _: JobContext) in args.n * 2 }
        let future = try await job.later(FaultArgs(n: 5))
        let waiter = Task { try await future.result(waitingUpTo: .seconds(60)) }
        // The job runs through a connection straight to the server.
        let (directFactory, direct, _) = try makeResultProducer(url: server.url, prefix: prefix, group: group)
        let channel = redisKey(prefix: prefix, group: group, "results:done")
        // Subscribed, and the waiter's first lookup ran (the push was the first script call): it waits for a message.
        let waiting = try await eventually(within: .seconds(30)) {
            let subscribers = try await directFactory.client.send(RedisCommand("PUBSUB", "NUMSUB", channel)).array?.last?.int
            return try await scriptCalls(directFactory.client) >= 2 && subscribers == 1
        }
        try #require(waiting)
        try proxy.dropRepliesOnOpenConnections()
        #expect(try await completeJobs(direct, count: 1))
        #expect(try await within(.seconds(20), "the waiter") { try await waiter.value } == 10)
        await directFactory.close()
        await factory.close()
    }

    @Test("A waiter of a job whose envelope cannot be read ends when the job reaches the error queue, not at its deadline")
    func unreadableEnvelope() async throws {
        let server = try await RedisServerProcess()
        defer { server.discard() }
        let group = uniqueGroup()
        let (factory, deferrable, _) = try makeResultProducer(url: server.url, prefix: uniquePrefix("garbage"), group: group)
        try await deferrable.backend.queue.push(OutgoingJob(id: "garbage", payload: Array("not json".utf8), keepsResult: true))
        let future = try deferrable.future(for: "garbage", as: Int.self)
        let waiter = Task { try await future.result(waitingUpTo: .seconds(600)) }
        // Subscribed, and the waiter's first lookup ran (the push was the first script call): it waits for a message.
        let channel = redisKey(prefix: factory.settings.keyPrefix, group: group, "results:done")
        let waiting = try await eventually(within: .seconds(30)) {
            let subscribers = try await factory.client.send(RedisCommand("PUBSUB", "NUMSUB", channel)).array?.last?.int
            return try await scriptCalls(factory.client) >= 2 && subscribers == 1
        }
        try #require(waiting)
        #expect(try await deferrable.runOnce(waitingUpTo: .seconds(5)).label == "failed")
        let ended = try await within(.seconds(10), "the waiter") { await waiter.result }
        #expect(throws: JobResultError.resultNotKept(jobID: "garbage", reason: .missing)) { try ended.get() }
        await factory.close()
    }

    /// Pushes 100 result jobs, starts a waiter for each, runs `disrupt` once every waiter waits on the subscription,
    /// then completes the jobs: every waiter must get its value.
    private func waitersSurvive(
        server: RedisServerProcess, label: String, disrupt: (RedisClient) async throws -> Void
    ) async throws {
        let prefix = uniquePrefix(label)
        let group = uniqueGroup()
        let (factory, deferrable, job) = try makeResultProducer(url: server.url, prefix: prefix, group: group)
        let admin = RedisClient(configuration: try RedisConfiguration(url: server.url), logger: quietLogger())
        let futures = try await job.laterMany((0..<100).map { FaultArgs(n: $0) })
        let started = Locked(0)
        let waiters = futures.map { future in
            Task {
                started.withLock { $0 += 1 }
                return try await future.result(waitingUpTo: .seconds(120))
            }
        }
        let channel = redisKey(prefix: prefix, group: group, "results:done")
        let waiting = try await eventually(within: .seconds(30)) {
            let subscribers = try await admin.send(RedisCommand("PUBSUB", "NUMSUB", channel)).array?.last?.int
            return started.value == 100 && subscribers == 1
        }
        try #require(waiting, "the waiters started and the subscription is up")
        try await disrupt(admin)
        #expect(try await completeJobs(deferrable, count: 100))
        var values: [Int] = []
        for waiter in waiters {
            values.append(try await within(.seconds(60), "a waiter") { try await waiter.value })
        }
        #expect(values == (0..<100).map { $0 * 2 })
        await admin.close()
        await factory.close()
    }

    @Test("Many results with a short TTL (a million in the long run): once it passes, no result key remains")
    func millionResultsExpire() async throws {
        let server = try await RedisServerProcess()
        defer { server.discard() }
        // A million with DEFERRABLE_LONG_TESTS=1 (minutes in a debug build on 2 cores); 100,000 otherwise.
        let total = FaultEnv.long ? 1_000_000 : 100_000
        let prefix = uniquePrefix("million")
        let group = uniqueGroup()
        let factory = try makeQuietFactory(url: server.url, prefix: prefix)
        let backend = try factory.makeBackend(group: group)
        let store = try #require(backend.results)
        let ttl = Duration.seconds(2)
        let start = ContinuousClock.now
        for chunk in stride(from: 0, to: total, by: 50_000) {
            let jobs = (chunk..<min(chunk + 50_000, total)).map {
                OutgoingJob(id: "r\($0)", payload: Array("{}".utf8), keepsResult: true)
            }
            try await backend.queue.pushBatch(jobs)
        }
        let pushed = start.duration(to: .now)
        // Many concurrent consumers, so pops and settlements are coalesced into shared script calls.
        let settled = try await withThrowingTaskGroup(of: Int.self) { tasks in
            for _ in 0..<128 {
                tasks.addTask {
                    var count = 0
                    while let leased = try await backend.queue.pop(lease: .seconds(5), waitingUpTo: .zero) {
                        let record = JobResultRecordCodec.encode(
                            JobResultRecord(
                                id: leased.id, name: "n", group: group, state: .completed, finishedAt: 1, valueJSON: Array("1".utf8)))
                        if try await backend.queue.settle(leased, .complete(result: StoredResult(record: record, ttl: ttl))) {
                            count += 1
                        }
                    }
                    return count
                }
            }
            return try await tasks.reduce(0, +)
        }
        let written = start.duration(to: .now)
        #expect(settled == total)
        let admin = factory.client
        let resultKeys = redisKey(prefix: prefix, group: group, "result:")
        #expect(try await admin.send(RedisCommand("EXISTS", resultKeys + "r\(total - 1)")).int == 1)
        // Redis's own expiry removes them: DBSIZE counts keys that expired but were not reclaimed yet.
        let reclaimed = try await eventually(within: .seconds(120)) {
            try await admin.send(RedisCommand("DBSIZE")).int ?? .max <= 5
        }
        let expired = start.duration(to: .now)
        #expect(reclaimed, "Redis reclaimed the expired result keys")
        var cursor = "0"
        var remaining = 0
        repeat {
            let reply = try await admin.send(RedisCommand("SCAN", cursor, "MATCH", resultKeys + "*", "COUNT", "10000"))
            let parts = try #require(reply.array)
            cursor = parts[0].string ?? "0"
            remaining += parts[1].array?.count ?? 0
        } while cursor != "0"
        #expect(remaining == 0)
        #expect(try await admin.send(RedisCommand("EXISTS", redisKey(prefix: prefix, group: group, "results"))).int == 0)
        #expect(try await store.count() == 0)
        report("millionResultsExpire", ["results": total, "pushed": pushed, "written": written, "reclaimed": expired])
        await factory.close()
    }
}

/// Runs `runOnce` until `count` jobs completed (riding out backend errors), at most 60 s; whether they did.
private func completeJobs(_ deferrable: Deferrable, count: Int) async throws -> Bool {
    var completed = 0
    let deadline = ContinuousClock.now + .seconds(60)
    while completed < count, ContinuousClock.now < deadline {
        do {
            if case .completed = try await deferrable.runOnce(waitingUpTo: .milliseconds(200)) { completed += 1 }
        } catch {
            try await Task.sleep(for: .milliseconds(50))
        }
    }
    return completed == count
}

/// How many `EVALSHA` calls the server ran (`INFO commandstats`).
private func scriptCalls(_ client: RedisClient) async throws -> Int {
    let info = try await client.send(RedisCommand("INFO", "commandstats")).string ?? ""
    guard let line = info.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("cmdstat_evalsha:") }),
        let calls = line.split(separator: ",").first?.split(separator: "=").last
    else { return 0 }
    return Int(calls) ?? 0
}
