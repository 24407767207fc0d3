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

/// Worker processes that die: SIGKILL mid-flight, and a job that crashes its process on every run.
@Suite("Worker process faults", .serialized, .enabled(if: FaultEnv.hasRedis, "needs REDIS_URL"), .timeLimit(.minutes(3)))
struct WorkerProcessFaultTests {
    /// Arguments of a fault worker in `work` mode for a group.
    private static func workerArguments(
        prefix: String, group: String, out: URL, mode: String = "work", concurrency: Int = 8, leaseMillis: Int = 1000,
        sleepMillis: Int = 20
    ) -> [String] {
        [
            "--redis", FaultEnv.url, "--group", group, "--key-prefix", prefix, "--mode", mode,
            "--concurrency", "\(concurrency)", "--lease-ms", "\(leaseMillis)", "--sleep-ms", "\(sleepMillis)",
            "--out", out.path, "--max-seconds", "300",
        ]
    }

    @Test("SIGKILL of a worker with jobs in flight: every job completes; duplicates only for the in-flight ones")
    func sigkillMidFlight() async throws {
        let jobs = FaultEnv.long ? 3000 : 300
        let concurrency = 8
        // 2 s rather than 1 s: a lease must not lapse while a loaded CI machine starves the lease keeper.
        let leaseMillis = 2000
        let prefix = uniquePrefix("kill")
        let group = uniqueGroup()
        let directory = try makeTemporaryDirectory("kill")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (factory, deferrable, handle) = try makeProducer(url: FaultEnv.url, prefix: prefix, group: group)
        let ids = Set(try await handle.laterMany((0..<jobs).map(FaultArgs.init(n:))).map(\.id))
        #expect(ids.count == jobs)

        let start = ContinuousClock.now
        let out1 = directory.appendingPathComponent("out1.txt")
        let out2 = directory.appendingPathComponent("out2.txt")
        let first = try await ProcessRunner(
            arguments: Self.workerArguments(prefix: prefix, group: group, out: out1, concurrency: concurrency, leaseMillis: leaseMillis),
            directory: directory, name: "worker1")
        defer { first.discard() }
        let third = await eventually(within: .seconds(60)) { readLines(out1).count >= jobs / 3 }
        await first.kill(SIGKILL)
        try #require(third, "the first worker did not complete a third of the jobs in 60 s: \(first.output)")
        let doneAtKill = readLines(out1).count
        let inFlightAtKill = try await deferrable.backend.queue.stats().inFlight

        let second = try await ProcessRunner(
            arguments: Self.workerArguments(prefix: prefix, group: group, out: out2, concurrency: concurrency, leaseMillis: leaseMillis),
            directory: directory, name: "worker2")
        defer { second.discard() }
        let allDone = await eventually(within: .seconds(60)) {
            Set(readLines(out1)).union(readLines(out2)).isSuperset(of: ids)
        }
        let settled = try await eventually(within: .seconds(10)) {
            let stats = try await deferrable.backend.queue.stats()
            return stats.available == 0 && stats.inFlight == 0 && stats.delayed == 0
        }
        await second.kill(SIGTERM)
        let elapsed = start.duration(to: .now)

        let counts1 = countLines(readLines(out1))
        let counts2 = countLines(readLines(out2))
        let missing = ids.subtracting(counts1.keys).subtracting(counts2.keys)
        let strays = Set(counts1.keys).union(counts2.keys).subtracting(ids)
        let duplicates = Set(counts1.keys).intersection(counts2.keys)
        #expect(allDone, "not every job completed within 60 s after the restart: \(missing.count) missing; \(second.output)")
        #expect(missing.isEmpty)
        #expect(strays.isEmpty, "completions of ids that were never pushed: \(strays)")
        #expect(counts1.values.allSatisfy { $0 == 1 }, "a job completed twice within the first worker")
        #expect(counts2.values.allSatisfy { $0 == 1 }, "a job completed twice within the second worker")
        // Only jobs the killed worker held can run twice: it held at most `concurrency` leases.
        #expect(duplicates.count <= concurrency, "\(duplicates.count) jobs ran in both workers")
        #expect(settled, "the queue is not empty after every job completed")
        #expect(try await deferrable.backend.errorQueue.count() == 0)
        report(
            "sigkill",
            [
                "jobs": jobs, "killedAfter": doneAtKill, "inFlightAtKill": inFlightAtKill, "duplicates": duplicates.count,
                "lost": missing.count, "seconds": elapsed,
            ])
        try await deferrable.backend.queue.flush()
        await factory.close()
    }

    @Test("A job that crashes its process on every run ends in the error queue after maxAttempts reclaims")
    func crashEveryRun() async throws {
        let maxAttempts = 3
        let prefix = uniquePrefix("crash")
        let group = uniqueGroup()
        let directory = try makeTemporaryDirectory("crash")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (factory, deferrable, handle) = try makeProducer(
            url: FaultEnv.url, prefix: prefix, group: group, defaults: JobDefaults(maxAttempts: maxAttempts))
        let id = try await handle.later(FaultArgs(n: 1)).id
        let out = directory.appendingPathComponent("crashes.txt")
        let start = ContinuousClock.now

        var crashes = 0
        var record: ErrorRecord?
        for round in 0..<(maxAttempts + 4) {
            let worker = try await ProcessRunner(
                arguments: Self.workerArguments(
                    prefix: prefix, group: group, out: out, mode: "crash-every-job", concurrency: 1, leaseMillis: 500),
                directory: directory, name: "crash-\(round)")
            defer { worker.discard() }
            // Each round ends when the process crashes, or when the job reached the error queue.
            var status: Int32?
            let ended = try await eventually(within: .seconds(15)) {
                if !worker.isRunning {
                    status = worker.process.terminationStatus
                    return true
                }
                return try await deferrable.backend.errorQueue.entry(id: id) != nil
            }
            try #require(ended, "round \(round): the worker neither crashed nor dead-lettered the job: \(worker.output)")
            if let status {
                #expect(status == 137, "round \(round): unexpected exit status \(status): \(worker.output)")
                crashes += 1
            } else {
                record = try await deferrable.backend.errorQueue.entry(id: id)?.error
                break
            }
        }
        let runs = readLines(out).filter { $0 == "crash \(id)" }.count
        let entry = try #require(record, "the job is not in the error queue after \(crashes) crashes")
        #expect(entry.type == "AttemptsExhausted")
        #expect(entry.attempts == maxAttempts)
        #expect(entry.message.contains("lease lapsed"))
        #expect(crashes == maxAttempts)
        #expect(runs == maxAttempts)
        let stats = try await deferrable.backend.queue.stats()
        #expect(stats.available == 0 && stats.inFlight == 0 && stats.delayed == 0)
        report(
            "crash-every-run",
            ["maxAttempts": maxAttempts, "crashes": crashes, "runs": runs, "errorType": entry.type, "seconds": start.duration(to: .now)])
        _ = try await deferrable.backend.errorQueue.purge()
        await factory.close()
    }
}
