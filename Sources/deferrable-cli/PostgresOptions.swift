import ArgumentParser
import DeferrablePostgres
import Foundation
import Logging

/// Where the PostgreSQL backend's tables live: `--postgres` and `--schema`.
struct PostgresOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "PostgreSQL URL: postgres://user:password@host:port/db[?sslmode=disable|prefer|require]. Default: $DEFERRABLE_POSTGRES_URL.",
            valueName: "url"))
    var postgres: String?

    @Option(name: .long, help: "Schema that holds the backend's tables.")
    var schema: String = PostgresBackendSettings().schema

    /// The URL from `--postgres` or the environment; a usage error (exit 2) when neither is given.
    func url() throws -> String {
        if let postgres { return postgres }
        if let url = ProcessInfo.processInfo.environment["DEFERRABLE_POSTGRES_URL"], !url.isEmpty { return url }
        throw CLIError.usage("no PostgreSQL URL: pass --postgres URL or set DEFERRABLE_POSTGRES_URL")
    }

    /// Runs `body` with a factory for the URL and schema, closing it afterwards and mapping errors to ``CLIError``.
    /// Logging is off: every failure is reported as one line by the command.
    func withFactory<T>(_ body: (PostgresBackendFactory) async throws -> T) async throws -> T {
        var logger = Logger(label: "deferrable.cli")
        logger.logLevel = .critical
        let factory: PostgresBackendFactory
        do {
            factory = try PostgresBackendFactory(url: try url(), settings: PostgresBackendSettings(schema: schema), logger: logger)
        } catch {
            throw CLIError.wrapping(error)
        }
        return try await withClosing(factory, close: { await $0.close() }, body)
    }
}
