import Deferrable
import DeferrableRedis
import Foundation
import Testing

private let redisURL = ProcessInfo.processInfo.environment["REDIS_URL"]

@Suite("deferrable tasks", .enabled(if: redisURL != nil), .serialized)
struct CLITasksTests {
    /// Group `mail` in a fresh key prefix: `send` ran 3 times (one failed), and one job of an unregistered name failed.
    private static func make() async throws -> (RedisBackendFactory, Deferrable, CLIRunner) {
        let url = try #require(redisURL)
        let prefix = "cli-\(UUID().uuidString.prefix(8))"
        let factory = try RedisBackendFactory(url: url, settings: RedisBackendSettings(keyPrefix: prefix))
        let deferrable = try Deferrable(factory: factory, group: "mail")
        let send = try deferrable.register("send", options: JobOptions(maxAttempts: 1)) { (n: Int, _) in
            if n == 0 { throw Bounce() }
        }
        let producer = try Deferrable(factory: factory, group: "mail")
        let typo = try producer.register("<snd>") { (_: Int, _) in }
        for n in 0..<3 { try await send.later(n) }
        try await typo.later(1)
        for _ in 0..<4 { #expect(try await deferrable.runOnce(waitingUpTo: .seconds(1)) != .empty) }
        return (factory, deferrable, CLIRunner(redisURL: url, prefix: prefix))
    }

    struct Bounce: Error {}

    @Test("tasks shows a row per job name, with the unknown row for unregistered names")
    func table() async throws {
        let (factory, deferrable, cli) = try await Self.make()
        defer {
            Task {
                try? await deferrable.backend.statistics?.reset()
                await factory.close()
            }
        }
        let result = try await cli.run(["tasks", "mail"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(lines.first?.prefix(4) == ["GROUP", "NAME", "RUNNING", "TOTAL"])
        let send = try #require(lines.first { $0.count > 1 && $0[1] == "send" })
        #expect(send[2...6] == ["0", "3", "2", "1", "0"])
        let unknown = try #require(lines.first { $0.count > 1 && $0[1] == "unknown" })
        #expect(unknown[3] == "1" && unknown[5] == "1")
        #expect(!result.stdout.contains("<snd>"), "an unregistered name gets no row")
    }

    @Test("tasks --json gives counts by outcome and percentiles in seconds")
    func json() async throws {
        let (factory, deferrable, cli) = try await Self.make()
        defer {
            Task {
                try? await deferrable.backend.statistics?.reset()
                await factory.close()
            }
        }
        let result = try await cli.run(["tasks", "mail", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let send = try #require(rows.first { $0["name"] as? String == "send" })
        #expect(send["total"] as? Int == 3)
        let counts = try #require(send["counts"] as? [String: Int])
        #expect(counts["succeeded"] == 2 && counts["failed"] == 1 && counts["handedBack"] == 0)
        let runTime = try #require(send["runTimeSeconds"] as? [String: Any])
        #expect(runTime["samples"] as? Int == 3)
        #expect((runTime["p99"] as? Double ?? -1) >= 0)
        #expect(send["lastSeenMs"] is Int)
    }
}
