import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Synchronization

/// The backends the worker tests run against: memory always, Redis when `REDIS_URL` is set, a Redis Cluster when
/// `REDIS_CLUSTER_URL` is.
enum TestBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case memory
    case redis
    case redisCluster = "redis-cluster"

    static var redisURL: String? { ProcessInfo.processInfo.environment["REDIS_URL"] }
    static var redisClusterURL: String? { ProcessInfo.processInfo.environment["REDIS_CLUSTER_URL"] }

    static var available: [TestBackend] {
        [.memory] + (redisURL == nil ? [] : [.redis]) + (redisClusterURL == nil ? [] : [.redisCluster])
    }

    /// The backends on which a test can count the consumers waiting in `pop`: all but the shared cluster, whose
    /// servers count the blocked clients of every test at once.
    static var countingWaits: [TestBackend] { available.filter { $0 != .redisCluster } }

    var description: String { rawValue }

    /// A fresh factory (a unique key prefix on Redis) and a cleanup.
    func makeFactory() throws -> (any BackendFactory, @Sendable () async -> Void) {
        switch self {
        case .memory:
            return (MemoryBackendFactory(), {})
        case .redis, .redisCluster:
            let url = self == .redis ? Self.redisURL : Self.redisClusterURL
            let factory = try RedisBackendFactory(
                url: url ?? "redis://127.0.0.1:6379",
                settings: RedisBackendSettings(keyPrefix: "wt-\(UUID().uuidString.prefix(8))"))
            return (factory, { await factory.close() })
        }
    }

    /// A fresh factory on which a test can count the consumers waiting in `pop` (on Redis: on a server of its own).
    func makeWaitCountingFactory() async throws -> WaitCountingFactory {
        switch self {
        case .memory: .memory()
        // The cluster is shared by every test (see countingWaits): a server of its own, as for `.redis`.
        case .redis, .redisCluster: try await .redis(settings: RedisBackendSettings(keyPrefix: "wt"))
        }
    }
}

/// Counts runs of a job body and the attempts they saw.
final class RunCounter: Sendable {
    private let value = Mutex(0)
    private let attemptsSeen = Mutex<[Int]>([])

    var count: Int { value.withLock { $0 } }
    var attempts: [Int] { attemptsSeen.withLock { $0 } }

    @discardableResult
    func next(attempt: Int = 0) -> Int {
        attemptsSeen.withLock { $0.append(attempt) }
        return value.withLock { value in
            value += 1
            return value
        }
    }
}
