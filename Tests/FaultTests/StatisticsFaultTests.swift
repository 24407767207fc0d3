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

/// Task statistics against real worker processes: exact counts with 16 concurrent slots over 4 processes, and
/// "running" after a SIGKILL.
@Suite("Statistics faults", .serialized, .enabled(if: FaultEnv.hasRedis, "needs REDIS_URL"), .timeLimit(.minutes(3)))
struct StatisticsFaultTests {
    private static func workerArguments(prefix: String, group: String, out: URL, concurrency: Int, leaseMillis: Int, sleepMillis: Int)
        -> [String]
    {
        [
            "--redis", FaultEnv.url, "--group", group, "--key-prefix", prefix, "--mode", "work",
            "--concurrency", "\(concurrency)", "--lease-ms", "\(leaseMillis)", "--sleep-ms", "\(sleepMillis)",
            "--out", out.path, "--max-seconds", "150",
        ]
    }

    @Test("16 concurrent slots in 4 processes: the counters equal what the runs recorded, outcome by outcome")
    func exactCounts() async throws {
        let jobs = FaultEnv.long ? 20_000 : 2000
        let prefix = uniquePrefix("stats")
        let group = uniqueGroup()
        let directory = try makeTemporaryDirectory("stats")
        defer { try? FileManager.default.removeItem(at: directory) }
        let factory = try makeQuietFactory(prefix: prefix)
        let deferrable = try Deferrable(factory: factory, group: group)
        let mixed = try deferrable.register("fault-mixed") { (_: FaultArgs, _) in }
        _ = try await mixed.laterMany((0..<jobs).map(FaultArgs.init(n:)))

        let outputs = (0..<4).map { directory.appendingPathComponent("out\($0).txt") }
        var workers: [ProcessRunner] = []
        for (index, out) in outputs.enumerated() {
            workers.append(
                try await ProcessRunner(
                    arguments: Self.workerArguments(
                        prefix: prefix, group: group, out: out, concurrency: 4, leaseMillis: 5000, sleepMillis: 0),
                    directory: directory, name: "worker\(index)"))
        }
        defer { for worker in workers { worker.discard() } }
        // Every job runs once, and the jobs with n % 5 == 1 twice.
        let expectedRuns = jobs + jobs / 5
        let ran = await eventually(within: .seconds(90)) { outputs.reduce(0) { $0 + readLines($1).count } >= expectedRuns }
        let drained = try await eventually(within: .seconds(10)) {
            let stats = try await deferrable.stats()
            return stats.available == 0 && stats.inFlight == 0 && stats.delayed == 0
        }
        for worker in workers { await worker.kill(SIGTERM) }
        #expect(ran, "the runs did not finish in 90 s: \(workers[0].output)")
        #expect(drained)

        var recorded = TaskCounts()
        for line in outputs.flatMap(readLines) {
            guard let word = line.split(separator: " ").first, let outcome = TaskOutcome(rawValue: String(word)) else {
                Issue.record("unexpected line \(line)")
                continue
            }
            recorded[outcome] += 1
        }
        let row = try await deferrable.taskStatistics(name: "fault-mixed")
        #expect(row.counts == recorded)
        #expect(row.counts == TaskCounts(succeeded: jobs / 5 * 3, failed: jobs / 5, retried: jobs / 5, discarded: jobs / 5))
        #expect(row.running == 0)
        var history = TaskCounts()
        for bucket in try await deferrable.history(name: "fault-mixed", resolution: .minute, limit: 5) { history.add(bucket.counts) }
        #expect(history == recorded, "the minute buckets of the last 5 minutes hold every run")
        report("exactCounts", ["jobs": jobs, "runs": recorded.total])
        try await deferrable.flush()
        _ = try await deferrable.errors.purge()
        try await deferrable.backend.statistics?.reset()
        await factory.close()
    }

    @Test("a SIGKILLed worker's running job stops counting within its lease + 1 s")
    func runningAfterSigkill() async throws {
        let leaseMillis = 1000
        let prefix = uniquePrefix("stats-kill")
        let group = uniqueGroup()
        let directory = try makeTemporaryDirectory("stats-kill")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (factory, deferrable, handle) = try makeProducer(url: FaultEnv.url, prefix: prefix, group: group)
        // The consumer side's names, as a consumer announces them.
        try await deferrable.backend.statistics?.registerNames(["fault-job"])
        let id = try await handle.later(FaultArgs(n: 1)).id
        let inflight = redisKey(prefix: prefix, group: group, "inflight")
        let leaseDeadline = { try await factory.client.send(RedisCommand("ZSCORE", inflight, id)).int }

        let worker = try await ProcessRunner(
            arguments: Self.workerArguments(
                prefix: prefix, group: group, out: directory.appendingPathComponent("out.txt"), concurrency: 1,
                leaseMillis: leaseMillis, sleepMillis: 60_000),
            directory: directory, name: "worker")
        defer { worker.discard() }
        let started = try await eventually(within: .seconds(30)) {
            try await deferrable.taskStatistics(name: "fault-job").running == 1
        }
        try #require(started, "the worker never ran the job: \(worker.output)")
        // Once the lease was extended, so that the count rests on an extended lease, not the first one.
        let firstDeadline = try #require(try await leaseDeadline())
        let extended = try await eventually(within: .seconds(10)) { try await leaseDeadline() ?? 0 > firstDeadline }
        #expect(extended, "the worker never extended its lease")
        #expect(try await deferrable.taskStatistics(name: "fault-job").running == 1)
        let killedAt = ContinuousClock.now
        await worker.kill(SIGKILL)
        let stopped = try await eventually(within: .milliseconds(leaseMillis + 1000)) {
            try await deferrable.taskStatistics(name: "fault-job").running == 0
        }
        let took = killedAt.duration(to: .now)
        #expect(stopped, "running was still 1 \(took) after the SIGKILL")
        report("runningAfterSigkill", ["lease_ms": leaseMillis, "running_zero_after": "\(took)"])
        try await deferrable.flush()
        try await deferrable.backend.statistics?.reset()
        await factory.close()
    }
}
