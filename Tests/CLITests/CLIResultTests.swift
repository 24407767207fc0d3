import Deferrable
import DeferrableRedis
import Foundation
import Testing

private let redisURL = ProcessInfo.processInfo.environment["REDIS_URL"]

/// The fields `deferrable result` prints, one `key  value` line each, by key.
private func fields(_ stdout: String) -> [String: String] {
    var fields: [String: String] = [:]
    for line in stdout.split(separator: "\n") {
        guard let gap = line.range(of: "  ") else { continue }
        fields[String(line[..<gap.lowerBound])] = line[gap.upperBound...].trimmingCharacters(in: .whitespaces)
    }
    return fields
}

/// Group `img` in a fresh key prefix with one stored result per outcome and one job still queued.
private struct StoredResults {
    let factory: RedisBackendFactory
    let deferrable: Deferrable
    let cli: CLIRunner
    let completed: String
    let tooLarge: String
    let failed: String
    let discarded: String
    let pending: String

    static func make() async throws -> StoredResults {
        let url = try #require(redisURL)
        let prefix = "cli-\(UUID().uuidString.prefix(8))"
        let factory = try RedisBackendFactory(url: url, settings: RedisBackendSettings(keyPrefix: prefix))
        let deferrable = try Deferrable(
            factory: factory, group: "img", defaults: JobDefaults(resultTTL: .seconds(120), maxResultBytes: 16))
        struct Bounce: Error, CustomStringConvertible { var description: String { "mailbox full" } }
        let square = try deferrable.register("square", returning: Int.self) { (n: Int, _: JobContext) in n * n }
        let huge = try deferrable.register("huge", returning: String.self) { (n: Int, _: JobContext) in
            String(repeating: "x", count: n)
        }
        let reject = try deferrable.register("reject", returning: Int.self, options: JobOptions(maxAttempts: 1)) {
            (_: Int, _: JobContext) -> Int in throw Bounce()
        }
        let skip = try deferrable.register("skip", returning: Int.self) { (_: Int, _: JobContext) -> Int in
            throw JobControl.discard("duplicate webhook")
        }
        func ran<Value>(_ future: JobFuture<Value>) async throws -> String {
            _ = try await deferrable.runOnce(waitingUpTo: .zero)
            #expect(try await future.isDone())
            return future.id
        }
        return StoredResults(
            factory: factory, deferrable: deferrable, cli: CLIRunner(redisURL: url, prefix: prefix),
            completed: try await ran(square.later(7)), tooLarge: try await ran(huge.later(100)),
            failed: try await ran(reject.later(1)), discarded: try await ran(skip.later(1)), pending: try await square.later(3).id)
    }

    func close() async {
        try? await deferrable.flush()
        _ = try? await deferrable.errors.purge()
        await factory.close()
    }
}

@Suite("deferrable result and the stats results count", .enabled(if: redisURL != nil), .serialized)
struct CLIResultTests {
    @Test(
        "result shows the state, the job and the value, error record, reason or not-kept reason",
        .enabled(if: redisURL != nil, "needs REDIS_URL"))
    func terminalStates() async throws {
        let data = try await StoredResults.make()
        defer { Task { await data.close() } }
        let completed = try await data.cli.run(["result", "img", data.completed])
        #expect(completed.status == 0, "\(completed.stderr)")
        let shown = fields(completed.stdout)
        #expect(shown["id"] == data.completed)
        #expect(shown["group"] == "img")
        #expect(shown["job"] == "square")
        #expect(shown["state"] == "completed")
        #expect(shown["value"] == "49")
        #expect(shown["finished"]?.hasSuffix("ago)") == true)

        let tooLarge = fields(try await data.cli.run(["result", "img", data.tooLarge]).stdout)
        #expect(tooLarge["state"] == "completed")
        #expect(tooLarge["value"] == nil)
        #expect(tooLarge["not kept"] == "its value of 102 B was over the limit of 16 B")

        let failed = fields(try await data.cli.run(["result", "img", data.failed]).stdout)
        #expect(failed["state"] == "failed")
        #expect(failed["error"] == "Bounce")
        #expect(failed["message"] == "mailbox full")
        #expect(failed["attempts"] == "1")

        let discarded = fields(try await data.cli.run(["result", "img", data.discarded]).stdout)
        #expect(discarded["state"] == "discarded")
        #expect(discarded["reason"] == "duplicate webhook")
    }

    @Test("result --json prints the stored record as it is", .enabled(if: redisURL != nil, "needs REDIS_URL"))
    func json() async throws {
        let data = try await StoredResults.make()
        defer { Task { await data.close() } }
        let result = try await data.cli.run(["result", "img", data.completed, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let stored = try JobResultRecordCodec.decode(Array(result.stdout.trimmingCharacters(in: .newlines).utf8))
        #expect(stored.id == data.completed)
        #expect(stored.name == "square")
        #expect(stored.group == "img")
        #expect(stored.state == .completed)
        #expect(stored.valueJSON == Array("49".utf8))

        let failed = try await data.cli.run(["result", "img", data.failed, "--json"])
        let record = try JobResultRecordCodec.decode(Array(failed.stdout.trimmingCharacters(in: .newlines).utf8))
        #expect(record.state == .failed)
        #expect(record.error?.message == "mailbox full")
    }

    @Test("a queued job is pending (exit 0); an id without a result exits 3", .enabled(if: redisURL != nil, "needs REDIS_URL"))
    func pendingAndUnknown() async throws {
        let data = try await StoredResults.make()
        defer { Task { await data.close() } }
        let pending = try await data.cli.run(["result", "img", data.pending])
        #expect(pending.status == 0, "\(pending.stderr)")
        #expect(pending.stdout.contains("is pending"))
        let pendingJSON = try await data.cli.run(["result", "img", data.pending, "--json"])
        let pendingObject = try #require(try JSONSerialization.jsonObject(with: Data(pendingJSON.stdout.utf8)) as? [String: Any])
        #expect(pendingObject["state"] as? String == "pending")
        #expect(pendingObject["id"] as? String == data.pending)

        let unknown = try await data.cli.run(["result", "img", "no-such-id"])
        #expect(unknown.status == 3)
        #expect(unknown.stderrLines.count == 1)
        #expect(unknown.stderr.contains("no result for job 'no-such-id' in group 'img'"))
        #expect(unknown.stdout.isEmpty)
        let unknownJSON = try await data.cli.run(["result", "img", "no-such-id", "--json"])
        #expect(unknownJSON.status == 3)
        let unknownObject = try #require(try JSONSerialization.jsonObject(with: Data(unknownJSON.stdout.utf8)) as? [String: Any])
        #expect(unknownObject["state"] as? String == "unknown")
    }

    @Test("stats counts the stored results", .enabled(if: redisURL != nil, "needs REDIS_URL"))
    func statsCount() async throws {
        let data = try await StoredResults.make()
        defer { Task { await data.close() } }
        let json = try await data.cli.run(["stats", "img", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.first?["results"] as? Int == 4)
        let table = try await data.cli.run(["stats", "img"])
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.first?.contains("ERRORS  RESULTS  LATENCY") == true)
        let row = try #require(lines.first { $0.hasPrefix("img ") })
        #expect(row.split(separator: " ", omittingEmptySubsequences: true).prefix(6) == ["img", "1", "0", "0", "1", "4"])
    }

    @Test("result exits 2 for a missing id and 3 for an unknown group")
    func usage() async throws {
        let cli = CLIRunner(redisURL: try #require(redisURL), prefix: "cli-\(UUID().uuidString.prefix(8))")
        let missing = try await cli.run(["result", "img"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("Missing expected argument"))
        let empty = try await cli.run(["result", "img", ""])
        #expect(empty.status == 2)
        let unknownGroup = try await cli.run(["result", "img", "some-id"])
        #expect(unknownGroup.status == 3)
        #expect(unknownGroup.stderrLines.count == 1)
        #expect(unknownGroup.stderr.contains("unknown group 'img'"))
    }
}
