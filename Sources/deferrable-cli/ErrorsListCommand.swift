import ArgumentParser
import Deferrable
import DeferrableRedis

/// `deferrable errors list GROUP`.
struct ErrorsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List error-queue entries, oldest first.",
        discussion: """
            Sample output:
              ID                                    JOB         FAILED      ATTEMPTS  ERROR
              6c1e0d1a-2f7b-4c55-9a63-0d0f5b1c9e11  send-email  3m 12s ago       5/5  SMTPError: 421 try later
            """
    )

    @OptionGroup var redis: RedisOptions

    @Argument(help: "The group.")
    var group: String

    @Option(help: "Most entries to show.")
    var limit = 20

    @Option(help: "Entries to skip.")
    var offset = 0

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
        guard offset >= 0 else { throw ValidationError("--offset must not be negative") }
    }

    func run() async throws {
        try await redis.withFactory { factory in
            let deferrable = try await redis.deferrable(group: group, factory: factory)
            let entries = try await deferrable.errors.list(offset: offset, limit: limit)
            if json {
                try Output.json(entries.map(JSONShapes.deadJobSummary))
                return
            }
            let total = try await deferrable.errors.count()
            guard !entries.isEmpty else {
                Output.line(total == 0 ? "the error queue of '\(group)' is empty" : "no entries past offset \(offset) (\(total) in all)")
                return
            }
            let now = try await factory.client.serverTimeMillis()
            var table = Table([("ID", .left), ("JOB", .left), ("FAILED", .right), ("ATTEMPTS", .right), ("ERROR", .left)])
            for entry in entries {
                let envelope = entry.envelope
                table.add([
                    entry.id, envelope?.name ?? "?", Format.ago(entry.error.at, now: now),
                    envelope.map { "\(entry.error.attempts)/\($0.maxAttempts)" } ?? "\(entry.error.attempts)",
                    Format.truncated("\(entry.error.type): \(entry.error.message)", to: 72),
                ])
            }
            table.print()
            Output.line()
            Output.line("showing \(offset + 1)–\(offset + entries.count) of \(Format.count(total))")
        }
    }
}
