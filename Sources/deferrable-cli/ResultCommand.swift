import ArgumentParser
import Deferrable
import DeferrableRedis
import Foundation

/// `deferrable result GROUP ID`.
struct ResultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "result",
        abstract: "Show the stored result of a job that returns a value: its terminal state and value, or why it has none.",
        discussion: """
            A job still queued, delayed or running is shown as pending (exit 0). No stored result (its time to live \
            passed, the job keeps no result, or there is no such job) exits 3. --json prints the stored record as it \
            is (the result wire format of docs/wire-format.md), or {"id", "group", "state": "pending" | "unknown"}.

            Examples:
              deferrable result images 9F2C…
              deferrable result images 9F2C… --json

            Sample output:
              id        9f2c1d0e-5b7a-4e11-8c3d-2a6f0b9e7c41
              group     images
              job       resize
              state     completed
              finished  2026-03-02T10:04:12.318Z (42s ago)
              value     {"height":200,"url":"thumbs/7.png","width":300}
            """
    )

    @OptionGroup var redis: RedisOptions

    @OptionGroup var target: JobTarget

    func validate() throws {
        do {
            try OutgoingJob.validate(id: target.id)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        try await redis.withFactory { factory in
            let deferrable = try await redis.deferrable(group: target.group, factory: factory)
            guard let results = deferrable.backend.results else {
                throw CLIError.operational(DeferrableError.resultsNotSupported(group: target.group).description)
            }
            switch try await results.lookup(id: target.id) {
            case .finished(let bytes):
                if target.json {
                    Output.line(String(decoding: bytes, as: UTF8.self))
                    return
                }
                let record: JobResultRecord
                do {
                    record = try JobResultRecordCodec.decode(bytes)
                } catch {
                    throw CLIError.operational(
                        "the stored result of job '\(target.id)' in group '\(target.group)' cannot be read: \(error)")
                }
                Output.fields(ResultLines.fields(record, now: try await factory.client.serverTimeMillis()))
            case .pending:
                if target.json {
                    try Output.json(JSONShapes.resultLookup(id: target.id, group: target.group, state: "pending"))
                } else {
                    Output.line("job '\(target.id)' in group '\(target.group)' is pending: queued, delayed or running, not finished yet")
                }
            case .unknown:
                if target.json { try Output.json(JSONShapes.resultLookup(id: target.id, group: target.group, state: "unknown")) }
                throw CLIError.notFound(
                    "no result for job '\(target.id)' in group '\(target.group)' (its time to live passed, the job keeps no result, "
                        + "or there is no such job)")
            }
        }
    }
}
