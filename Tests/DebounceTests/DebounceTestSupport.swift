import Deferrable
import DeferrablePostgres
import DeferrableRedis
import DeferrableSQS
import Foundation
import Synchronization

/// A debouncer and backend pairing under test.
enum DebounceSetup: Sendable, CustomStringConvertible {
    /// Memory backend with the memory debouncer.
    case memory
    /// Redis backend with the Redis debouncer on the same client (the one-script path).
    case redis
    /// Memory backend with the Redis debouncer (the two-step path).
    case redisDebouncerMemoryBackend
    /// Redis Cluster backend with the Redis debouncer on the same client (the one-script path on the group's primary).
    case redisCluster
    /// PostgreSQL backend with the PostgreSQL debouncer of the same factory (decision and push in one transaction).
    case postgres
    /// Memory backend with the PostgreSQL debouncer (the two-step path).
    case postgresDebouncerMemoryBackend
    /// SQS backend with the Redis debouncer (the two-step path: SQS cannot postpone a sent message).
    case sqsBackendRedisDebouncer

    static var redisURL: String? { ProcessInfo.processInfo.environment["REDIS_URL"] }
    static var redisClusterURL: String? { ProcessInfo.processInfo.environment["REDIS_CLUSTER_URL"] }
    static var postgresURL: String? { ProcessInfo.processInfo.environment["POSTGRES_URL"] }
    static var sqsEndpoint: String? { ProcessInfo.processInfo.environment["SQS_ENDPOINT"] }

    static var all: [DebounceSetup] {
        var setups: [DebounceSetup] = [.memory]
        if redisURL != nil { setups += [.redis, .redisDebouncerMemoryBackend] }
        if redisClusterURL != nil { setups.append(.redisCluster) }
        if postgresURL != nil { setups += [.postgres, .postgresDebouncerMemoryBackend] }
        if sqsEndpoint != nil, redisURL != nil { setups.append(.sqsBackendRedisDebouncer) }
        return setups
    }

    /// The setups whose backend can postpone a queued job, which the `extend` mode needs: all but SQS (a sent message's
    /// delay cannot change; docs/sqs.md).
    static var postponing: [DebounceSetup] {
        all.filter { $0 != .sqsBackendRedisDebouncer }
    }

    var description: String {
        switch self {
        case .memory: "memory"
        case .redis: "redis"
        case .redisDebouncerMemoryBackend: "redis-debouncer+memory-backend"
        case .redisCluster: "redis-cluster"
        case .postgres: "postgres"
        case .postgresDebouncerMemoryBackend: "postgres-debouncer+memory-backend"
        case .sqsBackendRedisDebouncer: "redis-debouncer+sqs-backend"
        }
    }

    /// A fresh instance on a unique group.
    func makeDeferrable(group: String = "deb-\(UUID().uuidString.prefix(8))") async throws -> Deferrable {
        switch self {
        case .memory:
            return try Deferrable(factory: MemoryBackendFactory(), group: group, debouncer: MemoryDebouncer())
        case .redis, .redisCluster:
            let factory = try RedisBackendFactory(url: self == .redis ? Self.redisURL! : Self.redisClusterURL!)
            return try Deferrable(factory: factory, group: group, debouncer: RedisDebouncer(factory: factory))
        case .redisDebouncerMemoryBackend:
            let client = RedisClient(configuration: try RedisConfiguration(url: Self.redisURL!))
            return try Deferrable(
                factory: MemoryBackendFactory(), group: group, debouncer: RedisDebouncer(client: client, keyPrefix: "deb-test"))
        case .postgres:
            let factory = try await PostgresDebounceDatabase.migratedFactory()
            return try Deferrable(factory: factory, group: group, debouncer: PostgresDebouncer(factory: factory))
        case .postgresDebouncerMemoryBackend:
            let factory = try await PostgresDebounceDatabase.migratedFactory()
            return try Deferrable(factory: MemoryBackendFactory(), group: group, debouncer: PostgresDebouncer(factory: factory))
        case .sqsBackendRedisDebouncer:
            let client = RedisClient(configuration: try RedisConfiguration(url: Self.redisURL!))
            let deferrable = try Deferrable(
                factory: try SQSDebounceQueues.factory.get(), group: group,
                debouncer: RedisDebouncer(client: client, keyPrefix: "deb-test"))
            // Creates the group's queues now, so that the first push of a timeline is one request, not three.
            _ = try await deferrable.stats()
            return deferrable
        }
    }
}

/// The SQS factory the debounce tests share (one connection pool), on the emulator at `SQS_ENDPOINT`.
enum SQSDebounceQueues {
    static let factory = Result { () throws -> SQSBackendFactory in
        // The emulator checks the signature's form, not the key.
        try SQSBackendFactory(
            region: "us-east-1", credentials: AWSCredentials(accessKeyID: "AKIDTESTING", secretAccessKey: "testing-secret"),
            endpoint: DebounceSetup.sqsEndpoint ?? "http://127.0.0.1:1", queuePrefix: "deb")
    }
}

/// The PostgreSQL factory the debounce tests share (one connection pool, schema `debounce_test`), migrated once.
enum PostgresDebounceDatabase {
    private static let factory = Result { () throws -> PostgresBackendFactory in
        guard let url = DebounceSetup.postgresURL else { throw PostgresBackendError.invalidURL("", reason: "POSTGRES_URL is not set") }
        return try PostgresBackendFactory(url: url, settings: PostgresBackendSettings(schema: "debounce_test"))
    }
    private static let migration = Task { try await factory.get().migrate() }

    /// The factory, once its schema is migrated.
    static func migratedFactory() async throws -> PostgresBackendFactory {
        _ = try await migration.value
        return try factory.get()
    }
}

/// Records when each run of a job started, by job id.
final class RunLog: Sendable {
    private let runs = Mutex<[(id: String, value: Int, startedAt: ContinuousClock.Instant)]>([])

    func record(id: String, value: Int) {
        runs.withLock { $0.append((id, value, .now)) }
    }

    var count: Int { runs.withLock { $0.count } }
    var values: [Int] { runs.withLock { $0.map(\.value) } }
    var ids: [String] { runs.withLock { $0.map(\.id) } }
    var starts: [ContinuousClock.Instant] { runs.withLock { $0.map(\.startedAt) } }
}

/// Runs jobs until `deadline` passes, waiting briefly for each.
func drain(_ deferrable: Deferrable, for duration: Duration) async throws {
    let deadline = ContinuousClock.now + duration
    while ContinuousClock.now < deadline {
        _ = try await deferrable.runOnce(waitingUpTo: .milliseconds(20))
    }
}
