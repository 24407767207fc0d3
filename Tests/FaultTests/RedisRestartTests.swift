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

/// Redis restarts (append-only file, fsync on every write) while a producer and a worker process run.
@Suite("Redis restart", .serialized, .enabled(if: FaultEnv.canStartRedis, "needs redis-server on PATH"), .timeLimit(.minutes(8)))
struct RedisRestartTests {
    @Test("Every job whose later() returned is completed or in the error queue after Redis restarts")
    func restartWithAOF() async throws {
        let jobs = FaultEnv.long ? 6000 : 1500
        let restarts = FaultEnv.long ? 3 : 1
        let server = try await RedisServerProcess(arguments: ["--appendonly", "yes", "--appendfsync", "always"])
        defer { server.discard() }
        let directory = try makeTemporaryDirectory("restart")
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = uniquePrefix("restart")
        let group = uniqueGroup()
        let (factory, deferrable, handle) = try makeProducer(url: server.url, prefix: prefix, group: group)
        let out = directory.appendingPathComponent("done.txt")
        let worker = try await ProcessRunner(
            arguments: [
                "--redis", server.url, "--group", group, "--key-prefix", prefix, "--mode", "work", "--concurrency", "8",
                "--lease-ms", "2000", "--sleep-ms", "1", "--out", out.path, "--max-seconds", "400",
            ], directory: directory, name: "worker")
        defer { worker.discard() }

        // The producer: one later() at a time; ids of the calls that returned.
        let start = ContinuousClock.now
        let returned = Locked<[String]>([])
        let failedCalls = Locked(0)
        let producer = Task {
            var n = 0
            let deadline = ContinuousClock.now + .seconds(300)
            while returned.value.count < jobs, ContinuousClock.now < deadline {
                do {
                    let id = try await handle.later(FaultArgs(n: n)).id
                    returned.withLock { $0.append(id) }
                } catch {
                    failedCalls.withLock { $0 += 1 }
                    try? await Task.sleep(for: .milliseconds(20))
                }
                n += 1
            }
        }
        defer { producer.cancel() }
        var downtimes: [Duration] = []
        for round in 1...restarts {
            let mark = jobs * round / (restarts + 1)
            let reached = await eventually(within: .seconds(150)) { returned.value.count >= mark }
            try #require(reached, "the producer stalled before restart \(round)")
            let down = ContinuousClock.now
            // Long runs alternate SIGTERM with SIGKILL: with `appendfsync always` neither loses an acknowledged write.
            try await server.restart(signal: FaultEnv.long && round % 2 == 0 ? SIGKILL : SIGTERM)
            downtimes.append(down.duration(to: .now))
        }
        await producer.value
        let ids = Set(returned.value)
        #expect(ids.count == jobs, "the producer pushed \(ids.count) of \(jobs) jobs")

        var errorIDs: Set<String> = []
        let accounted = try await eventually(within: .seconds(90)) {
            let completed = Set(readLines(out))
            let missing = ids.subtracting(completed)
            if missing.isEmpty { return true }
            // Only look at the error queue when completions stop explaining everything.
            errorIDs = Set(try await errorEntries(deferrable).keys)
            return missing.isSubset(of: errorIDs)
        }
        let completedCounts = countLines(readLines(out))
        let lost = ids.subtracting(completedCounts.keys).subtracting(errorIDs)
        #expect(accounted, "\(lost.count) jobs whose later() returned are neither completed nor in the error queue; \(worker.output)")
        #expect(lost.isEmpty)
        #expect(worker.isRunning, "the worker process died: \(worker.output)")
        let duplicates = completedCounts.values.filter { $0 > 1 }.count
        let unacknowledged = Set(completedCounts.keys).subtracting(ids).count
        report(
            "redis-restart",
            [
                "jobs": jobs, "restarts": restarts, "failedLaterCalls": failedCalls.value, "completed": completedCounts.count,
                "errorQueue": errorIDs.count, "duplicates": duplicates, "ranButLaterThrew": unacknowledged, "lost": lost.count,
                "restartSeconds": downtimes.map { "\($0)" }.joined(separator: ","), "seconds": start.duration(to: .now),
            ])
        await worker.kill(SIGTERM)
        await factory.close()
    }
}
