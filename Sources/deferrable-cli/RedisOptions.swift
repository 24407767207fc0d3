import ArgumentParser
import Deferrable
import DeferrableRedis
import Foundation
import Logging

/// Where the queues live: `--redis` and `--prefix`, shared by every command.
struct RedisOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Redis URL: redis://[[user]:password@]host[:port][/db] or unix:///path. Default: $DEFERRABLE_REDIS_URL, else redis://127.0.0.1:6379.",
            valueName: "url"))
    var redis: String?

    @Option(name: .long, help: "Key prefix the applications use.")
    var prefix: String = "deferrable"

    /// The URL from `--redis`, the environment, or the default.
    var url: String {
        redis ?? ProcessInfo.processInfo.environment["DEFERRABLE_REDIS_URL"] ?? "redis://127.0.0.1:6379"
    }

    /// A factory for the URL and prefix; short timeouts so a dead server fails fast. Logging is off: every
    /// failure is reported as one line by the command.
    func connect() throws -> RedisBackendFactory {
        var configuration: RedisConfiguration
        do {
            configuration = try RedisConfiguration(url: url)
        } catch {
            throw CLIError.wrapping(error)
        }
        configuration.connectTimeout = .seconds(2)
        configuration.commandTimeout = .seconds(5)
        configuration.poolSize = 1
        var logger = Logger(label: "deferrable.cli")
        logger.logLevel = .critical
        return RedisBackendFactory(
            configuration: configuration, settings: RedisBackendSettings(keyPrefix: prefix), logger: logger)
    }

    /// Runs `body` with a connected factory, closing it afterwards and mapping errors to ``CLIError``.
    func withFactory<T>(_ body: (RedisBackendFactory) async throws -> T) async throws -> T {
        try await withClosing(try connect(), close: { await $0.close() }, body)
    }

    /// The instance of a known group; exit 3 if the group was never used, 2 if the name is invalid.
    func deferrable(group: String, factory: RedisBackendFactory) async throws -> Deferrable {
        do {
            try GroupName.validate(group)
        } catch {
            throw CLIError.usage(error.description)
        }
        guard try await factory.isKnownGroup(group) else {
            let known = try await factory.knownGroups()
            let hint = known.isEmpty ? "no groups exist under prefix '\(prefix)'" : "known: \(known.joined(separator: ", "))"
            throw CLIError.notFound("unknown group '\(group)' (\(hint))")
        }
        var logger = Logger(label: "deferrable.cli")
        logger.logLevel = .critical
        return try Deferrable(factory: factory, group: group, logger: logger)
    }

    /// `[group]` when a group is given (exit 3 if it is unknown, 2 if the name is invalid), else every known group.
    func groups(_ group: String?, factory: RedisBackendFactory) async throws -> [String] {
        guard let group else { return try await factory.knownGroups() }
        return [try await deferrable(group: group, factory: factory).group]
    }
}
