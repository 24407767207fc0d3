import ArgumentParser
import Deferrable
import DeferrableRedis
import Foundation

/// `deferrable peek GROUP`.
struct PeekCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peek",
        abstract: "Show the next runnable jobs of a group without taking them.",
        discussion: """
            Examples:
              deferrable peek emails
              deferrable peek emails --limit 50 --json
            """
    )

    @OptionGroup var redis: RedisOptions

    @Argument(help: "The group.")
    var group: String

    @Option(help: "How many jobs to show (at most 1000).")
    var limit = 10

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
    }

    func run() async throws {
        try await redis.withFactory { factory in
            let deferrable = try await redis.deferrable(group: group, factory: factory)
            let stats = try await deferrable.stats()
            let jobs = try await deferrable.backend.inspector?.peekReady(offset: 0, limit: limit) ?? []
            let now = try await factory.client.serverTimeMillis()
            if json {
                try Output.json(jobs.map { JSONShapes.readyJob($0, now: now) })
                return
            }
            guard !jobs.isEmpty else {
                Output.line(
                    "no ready jobs in '\(group)' (\(Format.count(stats.delayed)) delayed, \(Format.count(stats.inFlight)) in flight)")
                return
            }
            var table = Table([
                ("#", .right), ("ID", .left), ("JOB", .left), ("ATTEMPTS", .right), ("WAITING", .right), ("SIZE", .right),
                ("ARGS", .left),
            ])
            for (index, job) in jobs.enumerated() {
                guard let envelope = job.envelope else {
                    table.add(["\(index + 1)", job.id, "?", "-", "-", Format.size(job.payload.count), "(not a valid envelope)"])
                    continue
                }
                table.add([
                    "\(index + 1)", job.id, envelope.name, "\(envelope.attempts)/\(envelope.maxAttempts)",
                    Format.duration(.milliseconds(max(0, now - (envelope.notBefore ?? envelope.lastPushedAt)))),
                    Format.size(job.payload.count),
                    Format.truncated(String(decoding: envelope.argsJSON, as: UTF8.self), to: 48),
                ])
            }
            table.print()
            Output.line()
            Output.line("showing \(jobs.count) of \(Format.count(stats.available)) ready jobs (next to run first)")
        }
    }
}
