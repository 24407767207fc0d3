import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

private let redisURL = ProcessInfo.processInfo.environment["REDIS_URL"]

/// `deferrable workers` and the LATENCY column of `deferrable stats`, against workers and jobs in a fresh key prefix.
@Suite("deferrable CLI: workers and latency", .enabled(if: redisURL != nil), .serialized, .timeLimit(.minutes(1)))
struct CLIWorkersTests {
    /// A factory and a CLI runner on a key prefix of their own.
    static func fresh() throws -> (RedisBackendFactory, CLIRunner) {
        let url = try #require(redisURL)
        let prefix = "cli-\(UUID().uuidString.prefix(8))"
        let factory = try RedisBackendFactory(url: url, settings: RedisBackendSettings(keyPrefix: prefix))
        return (factory, CLIRunner(redisURL: url, prefix: prefix))
    }

    @Test("workers lists a running worker with its busy slot, groups and running job; it is gone after a clean stop")
    func workers() async throws {
        let (factory, cli) = try Self.fresh()
        let mail = try Deferrable(factory: factory, group: "mail")
        let images = try Deferrable(factory: factory, group: "images")
        let started = Locked(false)
        let finish = AsyncGate()
        let send = try mail.register("send") { (_: Int, _: JobContext) in
            started.withLock { $0 = true }
            await finish.wait()
        }
        let empty = try await cli.run(["workers"])
        #expect(empty.status == 0, "\(empty.stderr)")
        #expect(empty.stdout == "no live workers under prefix '\(cli.prefix)'\n")

        let receipt = try await send.later(1)
        let worker = try Worker([mail, images], configuration: .init(concurrency: 4, heartbeatInterval: .seconds(1)))
        let running = Task { try await worker.run() }
        defer { running.cancel() }
        try await eventually("the job to start") { started.withLock { $0 } }
        let directory = try #require(mail.backend.workers)
        try await eventually("a heartbeat with the running job", timeout: .seconds(10)) {
            try await directory.workers().first?.jobIDs == [receipt.id]
        }
        try await eventually("both groups to be registered", timeout: .seconds(10)) {
            Set(try await factory.knownGroups()).isSuperset(of: ["mail", "images"])
        }

        let table = try await cli.run(["workers"])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.count == 2, "one row for a worker of two groups: \(table.stdout)")
        #expect(lines.first?.hasPrefix("HOST") == true)
        #expect(lines.first?.contains("PID  ID") == true)
        #expect(lines.first?.hasSuffix("CONCURRENCY  BUSY  GROUPS       LAST BEAT") == true, "\(lines.first ?? "")")
        let cells = try #require(lines.last).split(separator: " ", omittingEmptySubsequences: true)
        #expect(cells.count >= 8)
        #expect(cells[0] == Substring(ProcessInfo.processInfo.hostName))
        #expect(cells[1] == Substring("\(ProcessInfo.processInfo.processIdentifier)"))
        #expect(cells[2] == Substring(worker.id))
        #expect(Array(cells[4...6]) == ["4", "1", "images,mail"] || Array(cells[4...6]) == ["4", "1", "mail,images"])

        let json = try await cli.run(["workers", "mail", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        try #require(parsed.count == 1, "\(json.stdout)")
        #expect(parsed[0]["id"] as? String == worker.id)
        #expect(parsed[0]["busySlots"] as? Int == 1)
        #expect(parsed[0]["concurrency"] as? Int == 4)
        #expect(parsed[0]["jobIDs"] as? [String] == [receipt.id])
        #expect(parsed[0]["groups"] as? [String] == ["mail", "images"])
        #expect(parsed[0]["pid"] as? Int == Int(ProcessInfo.processInfo.processIdentifier))
        #expect((parsed[0]["lastBeatAgeMillis"] as? Int).map { $0 >= 0 && $0 < 60_000 } == true)
        #expect(parsed[0]["expiresAfterMillis"] as? Int == 2000)

        finish.open()
        worker.shutdownGracefully()
        try await within(.seconds(5), "the worker to stop") { try await running.value }
        let after = try await cli.run(["workers", "mail"])
        #expect(after.status == 0)
        #expect(after.stdout == "no live workers in 'mail'\n")
        let unknown = try await cli.run(["workers", "nope"])
        #expect(unknown.status == 3)
        #expect(unknown.stderr.contains("unknown group 'nope'"))
        await factory.close()
    }

    @Test("stats shows no latency for a group with only delayed jobs, and the age of the oldest ready job otherwise")
    func latency() async throws {
        let (factory, cli) = try Self.fresh()
        let deferrable = try Deferrable(factory: factory, group: "lat")
        let later = try deferrable.register("later", options: JobOptions(delay: .fixed(.seconds(3600)))) { (_: Int, _: JobContext) in }
        let now = try deferrable.register("now") { (_: Int, _: JobContext) in }
        try await later.later(1)

        func latencyCell() async throws -> (cell: Substring?, json: Any?) {
            let table = try await cli.run(["stats", "lat"])
            let row = table.stdout.split(separator: "\n").first { $0.hasPrefix("lat ") }
            let json = try await cli.run(["stats", "lat", "--json"])
            let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
            return (row?.split(separator: " ", omittingEmptySubsequences: true).last, parsed?.first?["latencySeconds"])
        }
        let delayedOnly = try await latencyCell()
        #expect(delayedOnly.cell == "-")
        #expect(delayedOnly.json is NSNull)

        try await now.later(2)
        let first = try await #require(latencyCell().json as? Double)
        let grew = await eventually(within: .seconds(10)) {
            await ((try? latencyCell())?.json as? Double ?? 0) >= first + 1.0
        }
        #expect(grew, "the latency grows while the job waits")
        let cell = try await #require(latencyCell().cell)
        #expect(cell.hasSuffix("s") && cell != "-", "a duration such as 1s: \(cell)")
        try? await deferrable.flush()
        await factory.close()
    }
}
