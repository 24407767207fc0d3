import ArgumentParser

/// `deferrable errors …`.
struct ErrorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "errors",
        abstract: "Inspect, requeue and purge a group's error queue (jobs that failed for good).",
        discussion: """
            Examples:
              deferrable errors list emails
              deferrable errors show emails 6c1e0d1a-…
              deferrable errors requeue emails 6c1e0d1a-…
              deferrable errors requeue emails --all
              deferrable errors purge emails --yes
            """,
        subcommands: [ErrorsListCommand.self, ErrorsShowCommand.self, ErrorsRequeueCommand.self, ErrorsPurgeCommand.self]
    )
}
