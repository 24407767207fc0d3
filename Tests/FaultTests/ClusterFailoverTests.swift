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

/// A Redis Cluster of 3 primaries and 3 replicas loses the primary of the group in use to SIGKILL while a producer
/// and a `Worker` run, with the replica confirmation on.
@Suite(
    "Redis Cluster failover", .serialized, .enabled(if: ClusterDeployment.isAvailable, "needs redis-server and redis-cli"),
    .timeLimit(.minutes(4)))
struct ClusterFailoverTests {
    @Test(
        "SIGKILL the group's primary under load: its replica is promoted, work resumes in the same processes, and no job acknowledged with WAIT is lost"
    )
    func primaryKilledUnderLoad() async throws {
        let deployment = try await ClusterDeployment.start()
        defer { deployment.stop() }
        var configuration = try RedisConfiguration(url: deployment.url + "?wait_replicas=1&wait_timeout_ms=1000")
        configuration.connectTimeout = .seconds(1)
        configuration.commandTimeout = .seconds(2)
        let prefix = uniquePrefix("cluster")
        let group = uniqueGroup()
        let factory = RedisBackendFactory(
            configuration: configuration, settings: RedisBackendSettings(keyPrefix: prefix), logger: quietLogger())
        let deferrable = try Deferrable(
            factory: factory, group: group, defaults: JobDefaults(lease: .seconds(2)), logger: quietLogger())
        let load = try FailoverLoad(deferrable)
        try await eventually("100 jobs pushed and run before the kill", timeout: .seconds(30)) {
            load.acknowledged.value.count >= 100 && load.allAcknowledgedRan
        }
        let groupKey = redisKey(prefix: prefix, group: group, "ready")
        let killedPort = try #require(deployment.primaryPort(forKey: groupKey))
        let killed = try #require(deployment.node(port: killedPort))

        // The replica stops (SIGSTOP) while the producer and the worker go on: the primary still takes every write,
        // but none is confirmed, so none is acknowledged. Then the primary is killed and the replica continued: it
        // is promoted without those writes, which were never acknowledged.
        let replicaPort = try #require(deployment.replicaPort(of: killedPort))
        let replicaPid = try #require(deployment.node(port: replicaPort)?.pid)
        signalProcess(replicaPid, SIGSTOP)
        defer { signalProcess(replicaPid, SIGCONT) }
        let beforeKill = load.acknowledged.value.count
        try await eventually("pushes refused for want of the replica", timeout: .seconds(30)) {
            load.notReplicated.value >= 3
        }
        let unconfirmed = load.notReplicated.value
        let acknowledgedWhileStopped = load.acknowledged.value.count - beforeKill
        let killedAt = ContinuousClock.now
        await killed.stop(signal: SIGKILL)
        signalProcess(replicaPid, SIGCONT)
        try await eventually("the cluster to promote the replica", timeout: .seconds(60)) {
            let owner = deployment.primaryPort(forKey: groupKey, excluding: killedPort)
            return owner != nil && owner != killedPort && deployment.isHealthy(excluding: killedPort)
        }
        let promotedAfter = killedAt.duration(to: .now)
        // The promoted replica has no replica of its own, so confirmed writes to it fail with notReplicated until
        // the killed node, started again, rejoins as its replica (as an orchestrator would restart it).
        try await killed.start()
        try await eventually("the restarted node to rejoin as a replica", timeout: .seconds(60)) {
            deployment.isSyncedReplica(port: killedPort)
        }
        let outcome = try await load.finish(pushedBeforeKill: beforeKill, killedAt: killedAt, timeout: .seconds(90))
        report(
            "cluster-failover",
            [
                "pushedBeforeKill": beforeKill, "pushedAfterKill": outcome.pushedAfterKill, "lost": load.lost,
                "pushErrors": load.pushErrors.value, "refusedWhileReplicaStopped": unconfirmed,
                "acknowledgedWhileReplicaStopped": acknowledgedWhileStopped, "notReplicated": load.notReplicated.value,
                "promotedAfter": promotedAfter, "allRanAfter": outcome.allRanAfter,
            ])
        #expect(outcome.allRan, "\(load.lost) acknowledged jobs did not run")
        #expect(acknowledgedWhileStopped <= 1, "pushes acknowledged while the replica was stopped")
        #expect(outcome.workerWasRunning, "the worker stopped")
        await factory.close()
    }
}
