import ArgumentParser
import Deferrable

/// `deferrable errors purge GROUP --yes`.
struct ErrorsPurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Remove every entry of a group's error queue.",
        discussion: """
            Example:
              deferrable errors purge emails --yes
            """
    )

    @OptionGroup var redis: RedisOptions

    @OptionGroup var target: DestructiveTarget

    func run() async throws {
        try await redis.withFactory { factory in
            let deferrable = try await redis.deferrable(group: target.group, factory: factory)
            try await target.requireConfirmation(to: "purge") { "\(Format.count(try await deferrable.errors.count())) entries" }
            let purged = try await deferrable.errors.purge()
            Output.line("purged \(Format.count(purged)) error-queue entr\(purged == 1 ? "y" : "ies") from '\(target.group)'")
        }
    }
}
