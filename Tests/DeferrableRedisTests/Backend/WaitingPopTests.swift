import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

/// The idle consumer's wait: `BRPOPLPUSH` from the ready list into the inbox with the pop pipelined behind it, and what happens when its reply is lost.
@Suite("Redis waiting pop", .enabled(if: ProcessInfo.processInfo.environment["REDIS_URL"] != nil), .timeLimit(.minutes(1)))
struct WaitingPopTests {
    let url = ProcessInfo.processInfo.environment["REDIS_URL"] ?? ""

    private func makeDeferrable() throws -> (RedisBackendFactory, Deferrable, String) {
        let factory = try RedisBackendFactory(url: url, settings: RedisBackendSettings(keyPrefix: "wp"))
        let group = "g-\(UUID().uuidString.prefix(8).lowercased())"
        return (factory, try Deferrable(factory: factory, group: group), group)
    }

    /// A fresh group on a server of its own, so that its blocked clients are this test's waiting consumers.
    private func makeWaitCountedDeferrable() async throws -> (WaitCountingFactory, Deferrable) {
        let counted = try await WaitCountingFactory.redis(settings: RedisBackendSettings(keyPrefix: "wp"))
        return (counted, try Deferrable(factory: counted.factory, group: "g-\(UUID().uuidString.prefix(8).lowercased())"))
    }

    @Test("a waiting consumer is handed a job pushed while it waits", .enabled(if: RedisServerProcess.isAvailable))
    func wokenWithJob() async throws {
        let (counted, deferrable) = try await makeWaitCountedDeferrable()
        let job = try deferrable.register("j") { (_: Int, _) in }
        let waiting = Task { try await deferrable.backend.queue.pop(lease: .seconds(30), waitingUpTo: .seconds(20)) }
        try await counted.waitUntilWaiting(1, group: deferrable.group)
        let receipt = try await job.later(1)
        let leased = try #require(try await within(.seconds(5), "the waiting consumer to be handed the job") { try await waiting.value })
        #expect(leased.id == receipt.id)
        #expect(try await deferrable.stats().inFlight == 1)
        await counted.close()
    }

    @Test(
        "a consumer cancelled while it waits strands no job: the next push is free for another consumer",
        .enabled(if: RedisServerProcess.isAvailable))
    func cancelledWaitStrandsNothing() async throws {
        let (counted, deferrable) = try await makeWaitCountedDeferrable()
        let job = try deferrable.register("j") { (_: Int, _) in }
        let waiting = Task { try await deferrable.backend.queue.pop(lease: .seconds(30), waitingUpTo: .seconds(20)) }
        try await counted.waitUntilWaiting(1, group: deferrable.group)
        waiting.cancel()
        _ = try? await within(.seconds(5), "the cancelled consumer to return") { try await waiting.value }
        let receipt = try await job.later(1)
        let leased = try #require(try await popEventually(deferrable.backend.queue, lease: .seconds(30)))
        #expect(leased.id == receipt.id)
        #expect(leased.reclaims == 0)
        await counted.close()
    }

    @Test("leases whose pop replies were lost are given back at once, without using an attempt")
    func releaseLostLeases() async throws {
        let (factory, deferrable, group) = try makeDeferrable()
        let job = try deferrable.register("j") { (_: Int, _) in }
        let receipts = try await job.laterMany([1, 2])
        // Keys as documented in the README's key layout.
        let key = { (name: String) in "wp:{\(group)}:\(name)" }
        let leaseKeys = [
            "jobs", "ready", "delayed", "inflight", "leases", "reclaims", "inbox", "markers", "errors", "errors:payloads",
            "errors:records", "settled", "results",
        ]
        .map(key)
        let releaseKeys = [key("leases"), key("inflight"), key("ready"), key("inbox")]
        // Two pops whose replies "never arrived": error-queue limits, result key prefix and channel, statistics key,
        // publish only to subscribers, no settlement, two pop pairs.
        let popped = try await factory.client.evalScript(
            .settleAndPop, keys: leaseKeys,
            args: ["1000", "1000", key("result:"), key("results:done"), key("stats"), "0", "0", "30000", "lost-a", "30000", "lost-b"])
        #expect(popped.array?.last?.array?.count == 8, "the pops leased both jobs: \(popped)")
        #expect(try await deferrable.stats().inFlight == 2)

        let released = try await factory.client.evalScript(.releaseTokens, keys: releaseKeys, args: ["lost-a", "unknown", "lost-b"])
        #expect(Set(released.array?.compactMap(\.string) ?? []) == Set(receipts.map(\.id)))
        #expect(try await factory.client.evalScript(.releaseTokens, keys: releaseKeys, args: ["lost-a"]) == .array([]))
        let stats = try await deferrable.stats()
        #expect(stats.inFlight == 0 && stats.available == 2)
        for _ in 0..<2 {
            let leased = try #require(try await deferrable.backend.queue.pop(lease: .seconds(30), waitingUpTo: .zero))
            #expect(receipts.map(\.id).contains(leased.id))
            #expect(leased.reclaims == 0, "giving back a lost lease uses no attempt")
        }
        await factory.close()
    }
}
