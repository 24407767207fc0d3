import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Logging
import Synchronization

/// What the environment offers the fault suite.
enum FaultEnv {
    /// `REDIS_URL`: a server the suite may write to (each test uses key prefixes and groups of its own).
    static let redisURL: String? = {
        guard let url = ProcessInfo.processInfo.environment["REDIS_URL"], !url.isEmpty else { return nil }
        return url
    }()

    /// `DEFERRABLE_LONG_TESTS=1` turns on the long variants.
    static let long = ProcessInfo.processInfo.environment["DEFERRABLE_LONG_TESTS"] == "1"

    /// Tests that use `REDIS_URL` and the fault worker.
    static var hasRedis: Bool { redisURL != nil }

    /// Tests that start their own `redis-server`.
    static var canStartRedis: Bool { RedisServerProcess.isAvailable }

    /// The `REDIS_URL` server (only call from tests enabled by ``hasRedis``).
    static var url: String { redisURL ?? "redis://127.0.0.1:6379" }
}

/// A key prefix of its own for one test, so tests never see each other's keys.
func uniquePrefix(_ label: String) -> String {
    "fault-\(label)-\(UUID().uuidString.prefix(8).lowercased())"
}

/// A group name of its own for one test.
func uniqueGroup() -> String {
    "g-\(UUID().uuidString.prefix(8).lowercased())"
}

/// The Redis key of `name` (e.g. `ready`) of a group, as `RedisKeys` builds it.
func redisKey(prefix: String, group: String, _ name: String) -> String {
    "\(prefix):{\(group)}:\(name)"
}

/// A logger that drops everything below `.critical` (the suite provokes many errors on purpose).
func quietLogger(_ label: String = "fault-test") -> Logger {
    var logger = Logger(label: label) { label in StreamLogHandler.standardError(label: label) }
    logger.logLevel = .critical
    return logger
}

/// Prints one line of measured figures; the lead copies them into the README.
func report(_ test: String, _ figures: KeyValuePairs<String, Any>) {
    let text = figures.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    print("FAULT-REPORT \(test): \(text)")
}

/// Arguments of the `fault-job` job the fault worker runs (same shape as in `deferrable-fault-worker`).
struct FaultArgs: Codable, Sendable {
    var n: Int
}

/// A Redis backend factory with its own key prefix, logging only errors.
func makeQuietFactory(url: String = FaultEnv.url, prefix: String) throws -> RedisBackendFactory {
    RedisBackendFactory(
        configuration: try RedisConfiguration(url: url), settings: RedisBackendSettings(keyPrefix: prefix), logger: quietLogger())
}

/// A `Deferrable` on the Redis server at `url` for a group, with `fault-job` registered as a no-op (the
/// producer side of the process tests: jobs are run by the fault worker process).
func makeProducer(url: String, prefix: String, group: String, defaults: JobDefaults = JobDefaults()) throws -> (
    RedisBackendFactory, Deferrable, JobHandle<FaultArgs>
) {
    let factory = try makeQuietFactory(url: url, prefix: prefix)
    let deferrable = try Deferrable(factory: factory, group: group, defaults: defaults, logger: quietLogger())
    let handle = try deferrable.register("fault-job") { (_: FaultArgs, _: JobContext) in }
    return (factory, deferrable, handle)
}

/// Every id in a group's error queue, with its record.
func errorEntries(_ deferrable: Deferrable) async throws -> [String: ErrorRecord] {
    var result: [String: ErrorRecord] = [:]
    var offset = 0
    while true {
        let page = try await deferrable.backend.errorQueue.list(offset: offset, limit: 1000)
        for entry in page { result[entry.id] = entry.error }
        if page.count < 1000 { return result }
        offset += page.count
    }
}
