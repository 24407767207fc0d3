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
        let load = try FailoverLoad(deferrable)
        try await eventually("100 jobs pushed and run before the kill", timeout: .seconds(30)) {
            load.acknowledged.value.count >= 100 && load.allAcknowledgedRan
        }
        // Replication is asynchronous: the kill comes once the replica has every write, so that what this test
        // counts is the failover, not the replication window (see docs/redis.md, Sentinel).
        load.paused.withLock { $0 = true }
        try await eventually("every pushed job to run", timeout: .seconds(30)) { load.allAcknowledgedRan }
        try await eventually("the replica to catch up", timeout: .seconds(10)) { deployment.replicaCaughtUp() }
        let beforeKill = load.acknowledged.value.count
        let killedAt = ContinuousClock.now
        await deployment.primary.stop(signal: SIGKILL)
        load.paused.withLock { $0 = false }

        try await eventually("the sentinels to promote the replica", timeout: .seconds(60)) {
            deployment.currentPrimaryPort() == deployment.replica.port
        }
        let promotedAfter = killedAt.duration(to: .now)
        let outcome = try await load.finish(pushedBeforeKill: beforeKill, killedAt: killedAt, timeout: .seconds(60))
        report(
            "sentinel-failover",
            [
                "pushedBeforeKill": beforeKill, "pushedAfterKill": outcome.pushedAfterKill, "lost": load.lost,
                "pushErrors": load.pushErrors.value, "promotedAfter": promotedAfter, "allRanAfter": outcome.allRanAfter,
            ])
        #expect(outcome.allRan, "\(load.lost) acknowledged jobs did not run")
        #expect(outcome.workerWasRunning, "the worker stopped")
        await factory.close()
    }
}
