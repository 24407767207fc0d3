import ArgumentParser
import DeferrablePostgres

/// `deferrable migrate --postgres URL [--schema NAME]`.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the PostgreSQL backend's tables to the version this build knows.",
        discussion: """
            Applies the package's versioned migrations that the schema does not have yet, each in its own \
            transaction. Running it again changes nothing; several processes may run it at once (they take turns \
            on an advisory lock). Exits 1 when PostgreSQL cannot be reached.

            Example:
              deferrable migrate --postgres postgres://app:secret@127.0.0.1:5432/app --schema deferrable
            """
    )

    @OptionGroup var postgres: PostgresOptions

    func run() async throws {
        let version = try await postgres.withFactory { factory in
            try await Self.requireReachable(factory)
            return try await factory.migrate()
        }
        Output.line("schema \(postgres.schema) is at version \(version)")
    }

    /// Fails within the factory's operation timeout when PostgreSQL cannot be reached: a migration's own bound is
    /// minutes long (it may wait for another process's migration), so an unreachable server is found first with a
    /// short query. A reply of any kind, even an error (the tables may not exist yet), means the server is there.
    private static func requireReachable(_ factory: PostgresBackendFactory) async throws {
        do {
            _ = try await factory.knownGroups()
        } catch let error as PostgresBackendError {
            guard case .timedOut = error else { return }
            throw CLIError.operational("cannot reach PostgreSQL: \(error.description)")
        } catch {
            return
        }
    }
}
