import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Logging
import Testing

/// A settlement whose reply is lost (the command timed out, the connection was killed) is repeated until the lease
/// deadline: a job that succeeded is never run again or dead-lettered for it. A run whose lease deadline passes
/// without a confirmed extension is cancelled.
@Suite(
    "Lost settlement replies", .serialized, .enabled(if: FaultEnv.canStartRedis, "needs redis-server on PATH"),
    .timeLimit(.minutes(2)))
struct LostSettlementReplyTests {
    /// A server of its own, a consumer with the given timeouts and lease, and a client for admin commands.
    private struct Setup {
        let server: RedisServerProcess
        let factory: RedisBackendFactory
        let admin: RedisClient
        let deferrable: Deferrable

        init(commandTimeout: Duration, lease: Duration) async throws {
            server = try await RedisServerProcess()
            var configuration = try RedisConfiguration(url: server.url)
            configuration.connectTimeout = .seconds(1)
            configuration.commandTimeout = commandTimeout
            factory = RedisBackendFactory(
                configuration: configuration, settings: RedisBackendSettings(keyPrefix: uniquePrefix("settle")), logger: quietLogger())
            admin = try RedisClient(url: server.url, logger: quietLogger())
            deferrable = try Deferrable(
                factory: factory, group: uniqueGroup(), defaults: JobDefaults(maxAttempts: 1, lease: lease), logger: quietLogger())
        }

        func close() async {
            await factory.close()
            await admin.close()
            await server.stopAndRemove()
        }

        /// Nothing is left in the queue or the error queue, and nothing runs again.
        func expectSettledOnce() async throws {
            let stats = try await deferrable.backend.queue.stats()
            #expect(stats.available == 0)
            #expect(stats.inFlight == 0)
            #expect(stats.delayed == 0)
            #expect(stats.errors == 0)
        }
    }

    @Test("a settlement that times out under CLIENT PAUSE WRITE is repeated: the job completes once")
    func pausedWrites() async throws {
        let setup = try await Setup(commandTimeout: .milliseconds(300), lease: .seconds(8))
        let runs = Locked(0)
        let job = try setup.deferrable.register("finish-under-pause") { (_: Int, _: JobContext) in
            runs.withLock { $0 += 1 }
            _ = try await setup.admin.send(RedisCommand("CLIENT", "PAUSE", "1500", "WRITE"))
        }
        let receipt = try await job.later(1)
        let outcome = try await setup.deferrable.runOnce(waitingUpTo: .zero)
        #expect(outcome == .completed(JobRef(id: receipt.id, name: "finish-under-pause", group: setup.deferrable.group)))
        try await setup.expectSettledOnce()
        #expect(runs.withLock { $0 } == 1)
        await setup.close()
    }

    @Test("a settlement whose connection is killed while it waits is repeated: the job completes once")
    func killedConnection() async throws {
        let setup = try await Setup(commandTimeout: .seconds(5), lease: .seconds(8))
        let runs = Locked(0)
        let job = try setup.deferrable.register("finish-then-kill") { (_: Int, _: JobContext) in
            runs.withLock { $0 += 1 }
            _ = try await setup.admin.send(RedisCommand("CLIENT", "PAUSE", "10000", "WRITE"))
        }
        _ = try await job.later(1)
        let killer = Task {
            // Waits until the settlement is held by the pause (a client blocked in a script call), then kills every
            // other connection and lifts the pause.
            let deadline = ContinuousClock.now + .seconds(8)
            while ContinuousClock.now < deadline {
                let list = try await setup.admin.send(RedisCommand("CLIENT", "LIST", "TYPE", "normal")).string ?? ""
                let blocked = list.split(separator: "\n").contains { $0.contains("flags=b") && $0.contains("cmd=evalsha") }
                if blocked {
                    _ = try await setup.admin.send(RedisCommand("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"))
                    _ = try await setup.admin.send(RedisCommand("CLIENT", "UNPAUSE"))
                    return true
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            return false
        }
        let outcome = try await setup.deferrable.runOnce(waitingUpTo: .zero)
        #expect(try await killer.value, "the settlement was never seen waiting")
        #expect(outcome.label == "completed")
        try await setup.expectSettledOnce()
        #expect(runs.withLock { $0 } == 1)
        await setup.close()
    }

    @Test("a run whose lease deadline passes without a confirmed extension is cancelled")
    func unconfirmedLeaseCancels() async throws {
        let setup = try await Setup(commandTimeout: .milliseconds(200), lease: .milliseconds(900))
        let probe = CancellationProbe()
        let job = try setup.deferrable.register("outlives-lease") { (_: Int, _: JobContext) in
            _ = try await setup.admin.send(RedisCommand("CLIENT", "PAUSE", "5000", "WRITE"))
            try await probe.waitForCancellation(upTo: .seconds(10))
        }
        _ = try await job.later(1)
        _ = try? await setup.deferrable.runOnce(waitingUpTo: .zero)
        let cancelled = try #require(probe.cancelledAfter, "the run was not cancelled")
        #expect(cancelled < .seconds(2))
        _ = try await setup.admin.send(RedisCommand("CLIENT", "UNPAUSE"))
        await setup.close()
    }
}
