import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

/// Task statistics on Redis: the keys the settle script writes, their expiry, reset, and payloads whose name cannot
/// be read from the head.
@Suite("Redis statistics", .enabled(if: ProcessInfo.processInfo.environment["REDIS_URL"] != nil), .timeLimit(.minutes(2)))
struct RedisStatisticsTests {
    let url = ProcessInfo.processInfo.environment["REDIS_URL"] ?? ""
    static let prefix = "stats"

    private func make() throws -> (RedisBackendFactory, Deferrable, String) {
        let factory = try RedisBackendFactory(url: url, settings: RedisBackendSettings(keyPrefix: Self.prefix))
        let group = "g-\(UUID().uuidString.prefix(8).lowercased())"
        return (factory, try Deferrable(factory: factory, group: group), group)
    }

    private static func keys(_ client: RedisClient, _ pattern: String) async throws -> [String] {
        (try await client.send(RedisCommand("KEYS", pattern)).array ?? []).compactMap(\.string).sorted()
    }

    @Test("history buckets and histograms expire by themselves, each after its retention; the counters do not")
    func bucketExpiry() async throws {
        let (factory, deferrable, group) = try make()
        let job = try deferrable.register("j") { (_: Int, _) in }
        try await job.later(1)
        #expect(try await deferrable.runOnce(waitingUpTo: .seconds(1)).label == "completed")
        let base = "\(Self.prefix):{\(group)}:stats"
        let retention: [(String, Int64, Int64)] = HistoryResolution.allCases.map { resolution in
            let letter =
                switch resolution {
                case .minute: "m"
                case .tenMinutes: "t"
                case .day: "d"
                }
            return (letter, resolution.retentionMillis, resolution.bucketMillis)
        }
        for (letter, kept, size) in retention {
            let found = try await Self.keys(factory.client, "\(base):\(letter):*")
            #expect(found.count == 1, "\(letter): \(found)")
            let key = try #require(found.first)
            let ttl = try #require(try await factory.client.send(RedisCommand("PTTL", key)).int)
            // Expires `kept` after the bucket's end: between `kept` and `kept + size` from now.
            #expect(ttl > kept - 5000 && ttl <= kept + size, "\(letter): \(ttl)")
        }
        let histograms = try await Self.keys(factory.client, "\(base):h:*")
        #expect(histograms.count == 1)
        let histogram = try #require(histograms.first)
        let histogramTTL = try #require(try await factory.client.send(RedisCommand("PTTL", histogram)).int)
        #expect(histogramTTL > 5 * 60_000 - 5000 && histogramTTL <= 6 * 60_000)
        #expect(try await factory.client.send(RedisCommand("PTTL", base)).int == -1, "the counters stay")

        try await #require(deferrable.backend.statistics).reset()
        #expect(try await Self.keys(factory.client, "\(base)*") == ["\(base):names"], "reset keeps only the registered names")
        await factory.close()
    }

    @Test("a leased job whose name is not at the head of its payload counts as unknown while running")
    func unreadableHead() async throws {
        let (factory, deferrable, _) = try make()
        try await deferrable.backend.statistics?.registerNames(["j"])
        // A producer in another language that writes `name` after a long `args`: past the 1 KiB the script returns.
        let args = "[\"" + String(repeating: "x", count: 2000) + "\"]"
        let payload = "{\"v\":1,\"id\":\"odd-1\",\"args\":\(args),\"name\":\"j\"}"
        try await deferrable.backend.queue.push(OutgoingJob(id: "odd-1", payload: Array(payload.utf8)))
        let leased = try #require(try await deferrable.backend.queue.pop(lease: .seconds(30), waitingUpTo: .seconds(1)))
        let rows = try await deferrable.taskStatistics()
        #expect(rows.first { $0.name == TaskStatistics.unknownName }?.running == 1)
        #expect(rows.first { $0.name == "j" }?.running == 0)
        _ = try await deferrable.backend.queue.settle(leased, .complete(result: nil))
        try await deferrable.flush()
        await factory.close()
    }
}
