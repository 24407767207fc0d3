import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

/// The Redis keys of worker heartbeats expire by themselves: nothing is left behind by a worker that never comes back.
@Suite("Redis worker heartbeat keys", .enabled(if: ProcessInfo.processInfo.environment["REDIS_URL"] != nil), .timeLimit(.minutes(1)))
struct RedisWorkerKeysTests {
    let url = ProcessInfo.processInfo.environment["REDIS_URL"] ?? ""

    @Test("the heartbeat key and the index carry a TTL and are gone once the heartbeat expired")
    func keysExpire() async throws {
        let factory = try RedisBackendFactory(url: url, settings: RedisBackendSettings(keyPrefix: "wk"))
        let group = "g-\(UUID().uuidString.prefix(8).lowercased())"
        let directory = try #require(try factory.makeBackend(group: group).workers)
        let heartbeat = WorkerHeartbeat(
            id: "w-1", host: "h", pid: 1, startedMillis: 0, concurrency: 1, busySlots: 0, groups: [group], jobIDs: [],
            beatMillis: SystemClock().nowMillis(), expiresAfterMillis: 3000)
        try await directory.beat(heartbeat)
        let heartbeatKey = "wk:{\(group)}:worker:w-1"
        let indexKey = "wk:{\(group)}:workers"
        for key in [heartbeatKey, indexKey] {
            let ttl = try await factory.client.send(RedisCommand("PTTL", key)).int ?? -2
            #expect(ttl > 0 && ttl <= 3000, "\(key) has PTTL \(ttl)")
        }
        try await eventually("both keys to expire", timeout: .seconds(10)) {
            try await factory.client.send(RedisCommand("EXISTS", heartbeatKey, indexKey)).int == 0
        }
        #expect(try await directory.workers().isEmpty)
        await factory.close()
    }

    @Test("removing a worker deletes its heartbeat key and index member")
    func removeDeletes() async throws {
        let factory = try RedisBackendFactory(url: url, settings: RedisBackendSettings(keyPrefix: "wk"))
        let group = "g-\(UUID().uuidString.prefix(8).lowercased())"
        let directory = try #require(try factory.makeBackend(group: group).workers)
        let heartbeat = WorkerHeartbeat(
            id: "w-2", host: "h", pid: 1, startedMillis: 0, concurrency: 1, busySlots: 0, groups: [group], jobIDs: [],
            beatMillis: SystemClock().nowMillis(), expiresAfterMillis: 60_000)
        try await directory.beat(heartbeat)
        try await directory.remove(workerID: "w-2")
        #expect(try await factory.client.send(RedisCommand("EXISTS", "wk:{\(group)}:worker:w-2", "wk:{\(group)}:workers")).int == 0)
        await factory.close()
    }

    @Test("a heartbeat another writer stored as garbage is left out of the listing")
    func garbageSkipped() async throws {
        let factory = try RedisBackendFactory(url: url, settings: RedisBackendSettings(keyPrefix: "wk"))
        let group = "g-\(UUID().uuidString.prefix(8).lowercased())"
        let directory = try #require(try factory.makeBackend(group: group).workers)
        let good = WorkerHeartbeat(
            id: "w-good", host: "h", pid: 1, startedMillis: 0, concurrency: 1, busySlots: 0, groups: [group], jobIDs: [],
            beatMillis: SystemClock().nowMillis(), expiresAfterMillis: 60_000)
        try await directory.beat(good)
        let far = String(SystemClock().nowMillis() + 60_000)
        _ = try await factory.client.send(RedisCommand("ZADD", "wk:{\(group)}:workers", far, "w-bad", far, "w-negative"))
        _ = try await factory.client.send(RedisCommand("SET", "wk:{\(group)}:worker:w-bad", "{not json", "PX", "60000"))
        var negative = good
        negative.id = "w-negative"
        negative.busySlots = -5
        let json = String(decoding: try JSONEncoder().encode(negative), as: UTF8.self)
        _ = try await factory.client.send(RedisCommand("SET", "wk:{\(group)}:worker:w-negative", json, "PX", "60000"))
        #expect(try await directory.workers() == [good])
        await factory.close()
    }
}
