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

    @Argument(help: "The group.")
    var group: String

    @Flag(help: "Confirm: without it nothing is removed.")
    var yes = false

    func run() async throws {
        try await redis.withFactory { factory in
            let deferrable = try await redis.deferrable(group: group, factory: factory)
            guard yes else {
                let count = try await deferrable.errors.count()
                throw CLIError.usage("refusing to purge '\(group)' without --yes (it would remove \(Format.count(count)) entries)")
            }
            let purged = try await deferrable.errors.purge()
            Output.line("purged \(Format.count(purged)) error-queue entr\(purged == 1 ? "y" : "ies") from '\(group)'")
        }
    }
}
