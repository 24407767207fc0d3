import ArgumentParser
import Deferrable
import DeferrableRedis
import Foundation

/// `deferrable errors show GROUP ID`.
struct ErrorsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one error-queue entry: the job's envelope and why it failed."
    )

    @OptionGroup var redis: RedisOptions

    @OptionGroup var target: JobTarget

    func run() async throws {
        try await redis.withFactory { factory in
            let deferrable = try await redis.deferrable(group: target.group, factory: factory)
            guard let entry = try await deferrable.errors.entry(id: target.id) else {
                throw CLIError.notFound("no error-queue entry '\(target.id)' in group '\(target.group)'")
            }
            if target.json {
                try Output.json(JSONShapes.deadJob(entry))
                return
            }
            let now = try await factory.client.serverTimeMillis()
            var lines: [(String, String)] = [("id", entry.id), ("group", target.group)]
            if let envelope = entry.envelope {
                lines += [
                    ("job", envelope.name),
                    ("attempts", "\(entry.error.attempts) of \(envelope.maxAttempts)"),
                    ("first pushed", "\(Format.timestamp(envelope.firstPushedAt)) (\(Format.ago(envelope.firstPushedAt, now: now)))"),
                ]
            } else {
                lines.append(("job", "? (the payload is not a valid envelope)"))
            }
            lines += [
                ("failed", "\(Format.timestamp(entry.error.at)) (\(Format.ago(entry.error.at, now: now)))"),
                ("host", entry.error.host.isEmpty ? "-" : entry.error.host),
                ("error", entry.error.type),
                ("message", entry.error.message),
                ("size", Format.size(entry.payload.count)),
            ]
            if let envelope = entry.envelope {
                if !envelope.metadata.isEmpty {
                    lines.append(
                        ("metadata", envelope.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")))
                }
                lines.append(("args", String(decoding: envelope.argsJSON, as: UTF8.self)))
            } else {
                lines.append(("payload", Format.truncated(String(decoding: entry.payload, as: UTF8.self), to: 400)))
            }
            Output.fields(lines)
        }
    }
}
