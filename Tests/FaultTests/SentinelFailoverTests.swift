import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Logging
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Sentinel deployment loses its primary to SIGKILL while a producer and a `Worker` run through one factory.
@Suite(
    "Sentinel failover", .serialized, .enabled(if: SentinelDeployment.isAvailable, "needs redis-server and redis-sentinel"),
    .timeLimit(.minutes(3)))
struct SentinelFailoverTests {
    struct Numbered: Codable, Sendable { var n: Int }

    @Test("SIGKILL the primary: the sentinels promote the replica, and producers and a worker go on without a restart")
    func primaryKilled() async throws {
        let deployment = try await SentinelDeployment.start(password: "data-secret")
        defer { deployment.stop() }
        var configuration = try RedisConfiguration(url: deployment.url)
        configuration.connectTimeout = .seconds(1)
        configuration.commandTimeout = .seconds(2)
        let factory = RedisBackendFactory(
            configuration: configuration, settings: RedisBackendSettings(keyPrefix: uniquePrefix("sentinel")),
            logger: quietLogger())
        let deferrable = try Deferrable(
            factory: factory, group: uniqueGroup(), defaults: JobDefaults(lease: .seconds(2)), logger: quietLogger())
        let done = Locked<Set<Int>>([])
        let job = try deferrable.register("n") { (number: Numbered, _: JobContext) in
            done.withLock { _ = $0.insert(number.n) }
        }
        let worker = Worker(
            deferrable,
            configuration: Worker.Configuration(
                concurrency: 4, gracePeriod: .seconds(2), idleWait: .milliseconds(200),
                backendRetryInitialDelay: .milliseconds(50), backendRetryMaxDelay: .milliseconds(500),
                reportsMetrics: false),
            logger: quietLogger())
        let finished = Locked(false)
        let running = Task {
            try await worker.run()
            finished.withLock { $0 = true }
        }
        defer { running.cancel() }

        // One producer, one job at a time; a push that fails is retried with the same number.
        let acknowledged = Locked<[Int]>([])
        let pushErrors = Locked(0)
        let paused = Locked(false)
        let stopped = Locked(false)
        let producer = Task {
            var next = 0
            while !stopped.value {
                if paused.value {
                    try? await Task.sleep(for: .milliseconds(10))
                    continue
                }
                do {
                    _ = try await job.later(Numbered(n: next))
                    acknowledged.withLock { $0.append(next) }
                    next += 1
                } catch {
                    pushErrors.withLock { $0 += 1 }
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
        }
        defer { producer.cancel() }

        try await eventually("100 jobs pushed and run before the kill", timeout: .seconds(30)) {
            let pushed = acknowledged.value
            return pushed.count >= 100 && done.value.isSuperset(of: pushed)
        }
        // Replication is asynchronous: the kill comes once the replica has every write, so that what this test
        // counts is the failover, not the replication window (see docs/redis.md, Sentinel).
        paused.withLock { $0 = true }
        try await eventually("every pushed job to run", timeout: .seconds(30)) {
            done.value.isSuperset(of: acknowledged.value)
        }
        try await eventually("the replica to catch up", timeout: .seconds(10)) { deployment.replicaCaughtUp() }
        let beforeKill = acknowledged.value.count
        let killedAt = ContinuousClock.now
        deployment.primary.stop(signal: SIGKILL)
        paused.withLock { $0 = false }

        try await eventually("the sentinels to promote the replica", timeout: .seconds(60)) {
            deployment.currentPrimaryPort() == deployment.replica.port
        }
        let promotedAfter = killedAt.duration(to: .now)
        try await eventually("100 more jobs pushed after the failover", timeout: .seconds(60)) {
            acknowledged.value.count >= beforeKill + 100
        }
        stopped.withLock { $0 = true }
        _ = await producer.value
        let pushed = acknowledged.value
        let allRan = await eventually(within: .seconds(60)) { done.value.isSuperset(of: pushed) }
        let resumedAfter = killedAt.duration(to: .now)
        let stillRunning = !finished.value
        worker.shutdownGracefully()
        _ = try? await running.value
        let lost = Set(pushed).subtracting(done.value).count
        report(
            "sentinel-failover",
            [
                "pushedBeforeKill": beforeKill, "pushedAfterKill": pushed.count - beforeKill, "lost": lost,
                "pushErrors": pushErrors.value, "promotedAfter": promotedAfter, "allRanAfter": resumedAfter,
            ])
        #expect(allRan, "\(lost) of \(pushed.count) acknowledged jobs did not run")
        #expect(stillRunning, "the worker stopped")
        await factory.close()
    }
}
