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

    @OptionGroup var target: DestructiveTarget

    func run() async throws {
        try await redis.withFactory { factory in
            let deferrable = try await redis.deferrable(group: target.group, factory: factory)
            let before = try await deferrable.stats()
            try await target.requireConfirmation(to: "flush") {
                "\(Format.count(before.available)) ready, \(Format.count(before.delayed)) delayed and "
                    + "\(Format.count(before.inFlight)) in-flight jobs"
            }
            try await deferrable.flush()
            Output.line(
                "flushed '\(target.group)': removed \(Format.count(before.available)) ready, \(Format.count(before.delayed)) delayed, "
                    + "\(Format.count(before.inFlight)) in flight; \(Format.count(before.errors)) error-queue entries kept")
        }
    }
}
