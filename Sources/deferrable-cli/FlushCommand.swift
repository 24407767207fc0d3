import ArgumentParser
import Deferrable
import DeferrableRedis

/// `deferrable flush GROUP --yes`.
struct FlushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flush",
        abstract: "Remove every job of a group: ready, delayed and in flight. The error queue is kept.",
        discussion: """
            Running jobs are not stopped, but their results are dropped (their lease is gone).

            Example:
              deferrable flush emails --yes
            """
    )

    @OptionGroup var redis: RedisOptions

    @Argument(help: "The group.")
    var group: String

    @Flag(help: "Confirm: without it nothing is removed.")
    var yes = false

    func run() async throws {
        try await redis.withFactory { factory in
            let deferrable = try await redis.deferrable(group: group, factory: factory)
            let before = try await deferrable.stats()
            guard yes else {
                throw CLIError.usage(
                    "refusing to flush '\(group)' without --yes (it would remove \(Format.count(before.available)) ready, "
                        + "\(Format.count(before.delayed)) delayed and \(Format.count(before.inFlight)) in-flight jobs)")
            }
            try await deferrable.flush()
            Output.line(
                "flushed '\(group)': removed \(Format.count(before.available)) ready, \(Format.count(before.delayed)) delayed, "
                    + "\(Format.count(before.inFlight)) in flight; \(Format.count(before.errors)) error-queue entries kept")
        }
    }
}
