import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

private let redisURL = ProcessInfo.processInfo.environment["REDIS_URL"]

/// `deferrable breakers`: the listing of a circuit an application opened, and holding, releasing and resetting it.
@Suite("deferrable CLI: circuit breakers", .enabled(if: redisURL != nil), .timeLimit(.minutes(1)))
struct CLIBreakersTests {
    struct Down: Error {}

    @Test("lists an open circuit (table and JSON); hold, release and reset reach every process's breaker")
    func breakers() async throws {
        let url = try #require(redisURL)
        let prefix = "cli-\(UUID().uuidString.prefix(8))"
        let cli = CLIRunner(redisURL: url, prefix: prefix)
        let empty = try await cli.run(["breakers"])
        #expect(empty.status == 0, "\(empty.stderr)")
        #expect(empty.stdout == "no circuit breakers under prefix '\(prefix)'\n")

        let client = try RedisClient(url: url)
        let store = RedisCircuitBreakerStore(client: client, keyPrefix: prefix)
        let breaker = try CircuitBreaker(name: "payments", policy: try CircuitBreakerPolicy(trip: .consecutiveFailures(1)), store: store)
        await #expect(throws: Down.self) { try await breaker.run { throw Down() } }

        let table = try await cli.run(["breakers"])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("NAME") == true)
        #expect(lines.count == 2 && lines[1].hasPrefix("payments") && lines[1].contains(" open "), "\(table.stdout)")

        let json = try await cli.run(["breakers", "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["state"] as? String == "open")
        #expect(rows.first?["trips"] as? Int == 1)
        #expect(rows.first?["closesMillis"] is Int)

        #expect(try await cli.run(["breakers", "reset", "payments"]).stdout == "reset circuit 'payments'\n")
        #expect(try await breaker.snapshot().phase == .closed)
        #expect(try await cli.run(["breakers", "hold", "payments"]).status == 0)
        await #expect(throws: CircuitOpen.self) { try await breaker.run { 1 } }
        #expect(try await cli.run(["breakers", "hold", "payments", "--closed"]).status == 0)
        #expect(try await breaker.run { 2 } == 2)
        #expect(try await cli.run(["breakers", "release", "payments"]).stdout == "released circuit 'payments'\n")
        #expect(try await breaker.snapshot().hold == nil)

        let invalid = try await cli.run(["breakers", "hold", "no spaces"])
        #expect(invalid.status == 2, "\(invalid.stderr)")
        // One key per DEL: on a Redis Cluster the two keys live in different slots.
        for key in ["\(prefix):circuits", "\(prefix):circuit:{payments}"] { _ = try await client.send(RedisCommand("DEL", key)) }
        await client.close()
    }
}
