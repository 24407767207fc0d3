import ArgumentParser
import Foundation

/// `deferrable`: inspect and operate Deferrable queues on Redis.
@main
struct DeferrableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deferrable",
        abstract: "Inspect and operate Deferrable job queues on Redis.",
        discussion: """
            Connects to Redis with --redis URL, or $DEFERRABLE_REDIS_URL, or redis://127.0.0.1:6379.

            Examples:
              deferrable stats                         all known groups
              deferrable stats emails --watch          refresh every 2 s until Ctrl-C
              deferrable errors list emails --limit 50
              deferrable errors show emails 9F2C…
              deferrable errors requeue emails --all
              deferrable peek emails --limit 5 --json
              deferrable workers                       live workers and what they run
              deferrable flush emails --yes
              deferrable result images 9F2C… --json
              deferrable tasks emails                  runs per job name, percentiles
              deferrable web --allow-actions           the dashboard on http://127.0.0.1:8080/
              deferrable migrate --postgres URL        create or upgrade the PostgreSQL backend's tables

            Exit codes: 0 success, 1 operational error (Redis or PostgreSQL unreachable, bad URL, …),
            2 usage error, 3 not found (unknown group, job id or result).
            """,
        version: "1.0.0",
        subcommands: [
            StatsCommand.self, TasksCommand.self, WorkersCommand.self, ErrorsCommand.self, PeekCommand.self, ResultCommand.self,
            FlushCommand.self, WebCommand.self, MigrateCommand.self, BreakersCommand.self,
        ]
    )

    /// Runs the command and maps errors to exit codes: 1 operational, 2 usage, 3 not found.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            Output.error(error.message)
            Foundation.exit(error.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                Output.error(message(for: error).split(separator: "\n").first.map(String.init) ?? "usage error")
                Output.errorRaw("Run 'deferrable --help' for usage.")
                Foundation.exit(CLIError.usageExitCode)
            }
            exit(withError: error)
        }
    }
}
