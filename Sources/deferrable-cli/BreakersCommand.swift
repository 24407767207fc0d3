import ArgumentParser

/// `deferrable breakers …`.
struct BreakersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "breakers",
        abstract: "Show the circuit breakers shared through Redis, and hold, release or reset one.",
        discussion: """
            A breaker is listed once a process used it on this Redis and key prefix (its state expires a day after \
            its last use). Holding a circuit open rejects every call in every process until it is released; holding \
            it closed lets every call through uncounted; reset starts it closed with no counts.

            Examples:
              deferrable breakers
              deferrable breakers --json
              deferrable breakers hold payments
              deferrable breakers hold payments --closed
              deferrable breakers release payments
              deferrable breakers reset payments
            """,
        subcommands: [BreakersListCommand.self, BreakersHoldCommand.self, BreakersReleaseCommand.self, BreakersResetCommand.self],
        defaultSubcommand: BreakersListCommand.self
    )
}
