import Deferrable
import DeferrableRedis
import Foundation
import Testing

/// A settlement repeated with the same lease token, as a consumer repeats one whose reply was lost, is recognised as
/// done: it reports the lease as held and changes nothing a second time.
@Suite("Redis settle repeats", .enabled(if: ProcessInfo.processInfo.environment["REDIS_URL"] != nil), .timeLimit(.minutes(1)))
struct SettleRepeatTests {
    let url = ProcessInfo.processInfo.environment["REDIS_URL"] ?? ""

    private func makeQueue() throws -> (RedisBackendFactory, any JobQueue, any ErrorQueue) {
        let factory = try RedisBackendFactory(url: url, settings: RedisBackendSettings(keyPrefix: "repeat"))
        let backend = try factory.makeBackend(group: "g-\(UUID().uuidString.prefix(8).lowercased())")
        return (factory, backend.queue, backend.errorQueue)
    }

    private func pushAndPop(_ queue: any JobQueue, id: String) async throws -> LeasedJob {
        try await queue.push(OutgoingJob(id: id, payload: Array("{}".utf8)))
        return try #require(try await queue.pop(lease: .seconds(10), waitingUpTo: .zero))
    }

    @Test("a repeated complete, requeue or dead-letter is reported as held and applied once")
    func repeatIsDone() async throws {
        let (factory, queue, errors) = try makeQueue()
        let record = ErrorRecord(type: "T", message: "m", attempts: 1, host: "h", at: 1)
        let settlements: [(String, Settlement)] = [
            ("complete", .complete()),
            ("requeue", .requeue(payload: Array("{\"v\":2}".utf8), delay: .seconds(60))),
            ("dead", .deadLetter(payload: Array("{}".utf8), error: record)),
        ]
        for (id, settlement) in settlements {
            let leased = try await pushAndPop(queue, id: id)
            #expect(try await queue.settle(leased, settlement), "\(id): first")
            #expect(try await queue.settle(leased, settlement), "\(id): repeat")
        }
        let stats = try await queue.stats()
        #expect(stats.delayed == 1)
        #expect(stats.available == 0)
        #expect(stats.inFlight == 0)
        #expect(try await errors.count() == 1)
        await factory.close()
    }

    @Test("a settlement with a token whose lease was reclaimed is still refused")
    func reclaimedIsRefused() async throws {
        let (factory, queue, _) = try makeQueue()
        try await queue.push(OutgoingJob(id: "r", payload: Array("{}".utf8)))
        let stale = try #require(try await queue.pop(lease: .milliseconds(50), waitingUpTo: .zero))
        var current: LeasedJob?
        let deadline = ContinuousClock.now + .seconds(5)
        while current == nil, ContinuousClock.now < deadline {
            current = try await queue.pop(lease: .seconds(10), waitingUpTo: .milliseconds(20))
        }
        let taken = try #require(current)
        #expect(taken.leaseToken != stale.leaseToken)
        #expect(try await queue.settle(stale, .complete()) == false)
        #expect(try await queue.settle(taken, .complete()))
        #expect(try await queue.settle(stale, .complete()) == false)
        await factory.close()
    }
}
