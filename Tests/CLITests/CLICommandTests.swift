import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

private let redisURL = ProcessInfo.processInfo.environment["REDIS_URL"]

/// Jobs in a fresh key prefix: group `mail` with 3 ready jobs, 1 delayed and 2 in the error queue.
private struct Populated {
    let factory: RedisBackendFactory
    let deferrable: Deferrable
    let cli: CLIRunner
    let failedIDs: [String]
    let readyIDs: [String]

    static func make() async throws -> Populated {
        let url = try #require(redisURL)
        let prefix = "cli-\(UUID().uuidString.prefix(8))"
        let factory = try RedisBackendFactory(url: url, settings: RedisBackendSettings(keyPrefix: prefix))
        let deferrable = try Deferrable(factory: factory, group: "mail")
        struct Bounce: Error, CustomStringConvertible { var description: String { "mailbox full" } }
        let failing = try deferrable.register("bounce", options: JobOptions(maxAttempts: 1)) { (_: String, _: JobContext) in
            throw Bounce()
        }
        let send = try deferrable.register("send") { (_: String, _: JobContext) in }
        let later = try deferrable.register("digest", options: JobOptions(delay: .fixed(.seconds(3600)))) { (_: Int, _: JobContext) in }
        var failedIDs: [String] = []
        for address in ["a@example.com", "b@example.com"] {
            failedIDs.append(try await failing.later(address).id)
            _ = try await deferrable.runOnce(waitingUpTo: .zero)
        }
        var readyIDs: [String] = []
        for address in ["x@example.com", "y@example.com", "z@example.com"] {
            readyIDs.append(try await send.later(address).id)
        }
        try await later.later(7)
        try await eventually("the group to be registered", timeout: .seconds(10)) {
            try await factory.knownGroups().contains("mail")
        }
        return Populated(
            factory: factory, deferrable: deferrable, cli: CLIRunner(redisURL: url, prefix: prefix), failedIDs: failedIDs,
            readyIDs: readyIDs)
    }

    func close() async {
        try? await deferrable.flush()
        _ = try? await deferrable.errors.purge()
        await factory.close()
    }
}

@Suite("deferrable CLI", .enabled(if: redisURL != nil), .serialized)
struct CLICommandTests {
    @Test("stats prints an aligned table of every known group, or JSON")
    func stats() async throws {
        let data = try await Populated.make()
        defer { Task { await data.close() } }
        let table = try await data.cli.run(["stats"])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("GROUP") == true)
        #expect(lines.first?.contains("READY  DELAYED  IN FLIGHT  ERRORS  RESULTS  LATENCY") == true)
        let row = try #require(lines.first { $0.hasPrefix("mail ") })
        let cells = row.split(separator: " ", omittingEmptySubsequences: true)
        #expect(cells.prefix(6) == ["mail", "3", "1", "0", "2", "0"])
        #expect(cells.count > 6 && cells[6] != "-", "the latency of the oldest ready job: \(row)")
        #expect(lines[0].count >= row.count - 4, "columns are aligned")

        let json = try await data.cli.run(["stats", "mail", "--json"])
        #expect(json.status == 0)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(parsed.count == 1)
        #expect(parsed[0]["group"] as? String == "mail")
        #expect(parsed[0]["ready"] as? Int == 3)
        #expect(parsed[0]["delayed"] as? Int == 1)
        #expect(parsed[0]["inFlight"] as? Int == 0)
        #expect(parsed[0]["errors"] as? Int == 2)
        #expect(parsed[0]["results"] as? Int == 0)
        let latency = try #require(parsed[0]["latencySeconds"] as? Double)
        #expect(latency >= 0 && latency < 600)
        #expect(parsed[0]["oldestJobAgeSeconds"] as? Double == latency, "the earlier name of the same value")
    }

    @Test("an unknown group exits 3 with one line on stderr")
    func unknownGroup() async throws {
        let data = try await Populated.make()
        defer { Task { await data.close() } }
        for command in [
            ["stats", "nope"], ["peek", "nope"], ["errors", "list", "nope"], ["flush", "nope", "--yes"], ["result", "nope", "some-id"],
        ] {
            let result = try await data.cli.run(command)
            #expect(result.status == 3, "\(command)")
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.contains("unknown group 'nope' (known: mail)"))
            #expect(result.stdout.isEmpty)
        }
    }

    @Test("errors list, show, requeue and purge")
    func errors() async throws {
        let data = try await Populated.make()
        defer { Task { await data.close() } }
        let list = try await data.cli.run(["errors", "list", "mail"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("ID"))
        #expect(list.stdout.contains("bounce"))
        #expect(list.stdout.contains("Bounce: mailbox full"))
        #expect(list.stdout.contains("showing 1–2 of 2"))
        for id in data.failedIDs { #expect(list.stdout.contains(id)) }

        let listJSON = try await data.cli.run(["errors", "list", "mail", "--json", "--limit", "1"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(listJSON.stdout.utf8)) as? [[String: Any]])
        #expect(entries.count == 1)
        #expect(entries[0]["id"] as? String == data.failedIDs[0])
        #expect(entries[0]["errorType"] as? String == "Bounce")

        let show = try await data.cli.run(["errors", "show", "mail", data.failedIDs[0]])
        #expect(show.status == 0)
        #expect(show.stdout.contains("bounce"))
        #expect(show.stdout.contains("mailbox full"))
        #expect(show.stdout.contains("\"a@example.com\""))
        let showJSON = try await data.cli.run(["errors", "show", "mail", data.failedIDs[0], "--json"])
        let entry = try #require(try JSONSerialization.jsonObject(with: Data(showJSON.stdout.utf8)) as? [String: Any])
        #expect((entry["envelope"] as? [String: Any])?["args"] as? String == "a@example.com")
        #expect((entry["error"] as? [String: Any])?["message"] as? String == "mailbox full")

        let missing = try await data.cli.run(["errors", "show", "mail", "no-such-id"])
        #expect(missing.status == 3)
        #expect(missing.stderrLines.count == 1)

        let requeue = try await data.cli.run(["errors", "requeue", "mail", data.failedIDs[0]])
        #expect(requeue.status == 0, "\(requeue.stderr)")
        #expect(try await data.deferrable.stats().errors == 1)
        #expect(try await data.deferrable.stats().available == 4)
        #expect(try await data.cli.run(["errors", "requeue", "mail", data.failedIDs[0]]).status == 3)
        #expect(try await data.cli.run(["errors", "requeue", "mail"]).status == 2)

        let refused = try await data.cli.run(["errors", "purge", "mail"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--yes"))
        #expect(try await data.deferrable.stats().errors == 1)
        let purge = try await data.cli.run(["errors", "purge", "mail", "--yes"])
        #expect(purge.status == 0)
        #expect(purge.stdout.contains("purged 1 error-queue entry"))
        #expect(try await data.deferrable.stats().errors == 0)
    }

    @Test("errors requeue --all moves every entry back")
    func requeueAll() async throws {
        let data = try await Populated.make()
        defer { Task { await data.close() } }
        let result = try await data.cli.run(["errors", "requeue", "mail", "--all"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("requeued 2 jobs"))
        #expect(try await data.deferrable.stats() == QueueStats(available: 5, inFlight: 0, delayed: 1, errors: 0))
    }

    @Test("peek shows ready jobs next-first without taking them")
    func peek() async throws {
        let data = try await Populated.make()
        defer { Task { await data.close() } }
        let result = try await data.cli.run(["peek", "mail", "--limit", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.contains("ID") == true && lines.first?.contains("JOB") == true)
        #expect(lines.count >= 3)
        #expect(lines[1].contains(data.readyIDs[0]))
        #expect(lines[2].contains(data.readyIDs[1]))
        #expect(result.stdout.contains("showing 2 of 3 ready jobs"))

        let json = try await data.cli.run(["peek", "mail", "--json"])
        let jobs = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(jobs.compactMap { $0["id"] as? String } == data.readyIDs)
        #expect(jobs.first?["args"] as? String == "x@example.com")
        #expect(try await data.deferrable.stats().available == 3, "peek takes nothing")
    }

    @Test("flush needs --yes, then removes jobs and keeps the error queue")
    func flush() async throws {
        let data = try await Populated.make()
        defer { Task { await data.close() } }
        let refused = try await data.cli.run(["flush", "mail"])
        #expect(refused.status == 2)
        #expect(refused.stderrLines.count == 1)
        #expect(try await data.deferrable.stats().available == 3)
        let result = try await data.cli.run(["flush", "mail", "--yes"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("removed 3 ready, 1 delayed, 0 in flight"))
        #expect(try await data.deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 2))
    }

    @Test("a bad URL or an unreachable Redis exits 1 with one line on stderr")
    func connectionErrors() async throws {
        let cli = CLIRunner(redisURL: redisURL ?? "", prefix: "unused")
        let bad = try await cli.run(["stats"], url: "http://localhost")
        #expect(bad.status == 1)
        #expect(bad.stderrLines.count == 1)
        #expect(bad.stderr.hasPrefix("deferrable: invalid Redis URL"))

        let started = Date()
        let down = try await cli.run(["stats", "--redis", "redis://127.0.0.1:1"])
        #expect(down.status == 1)
        #expect(down.stderrLines.count == 1)
        #expect(down.stderr.contains("cannot connect to Redis at 127.0.0.1:1"))
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test("usage errors exit 2; --help shows examples")
    func usage() async throws {
        let cli = CLIRunner(redisURL: redisURL ?? "", prefix: "unused")
        let missing = try await cli.run(["peek"], prefixed: false)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("Missing expected argument"))
        let help = try await cli.run(["--help"], prefixed: false)
        #expect(help.status == 0)
        #expect(help.stdout.contains("Examples:"))
        #expect(help.stdout.contains("deferrable stats"))
        let statsHelp = try await cli.run(["stats", "--help"], prefixed: false)
        #expect(statsHelp.stdout.contains("--watch"))
    }
}
