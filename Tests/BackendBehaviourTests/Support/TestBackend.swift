import Deferrable
import DeferrablePostgres
import DeferrableRedis
import DeferrableSQS
import DeferrableTestSupport
import Foundation
import Synchronization
import Testing

/// The backends the behaviour suite runs against. Every test takes one as its argument:
/// `@Test(arguments: TestBackend.all)`.
///
/// The suite uses real time (Redis uses its server clock, so no `ManualClock`): short delays and leases,
/// waits bounded by a deadline, and assertions on order and counts, never on exact timings.
enum TestBackend: Sendable, CustomTestStringConvertible {
    case memory
    /// A real Redis server at this URL (from `REDIS_URL`), each test on its own group.
    case redis(url: String)
    /// A real 3-primary Redis Cluster at this `redis+cluster://` URL (from `REDIS_CLUSTER_URL`), each test on its own
    /// group (so the tests' groups spread over the primaries).
    case redisCluster(url: String)
    /// A real PostgreSQL server at this URL (from `POSTGRES_URL`), each test on its own group.
    case postgres(url: String)
    /// An SQS endpoint at this URL (from `SQS_ENDPOINT`: the moto emulator), each test on its own group.
    case sqs(endpoint: String)

    /// Every backend available in this run: memory always, Redis when `REDIS_URL` is set, a Redis Cluster when
    /// `REDIS_CLUSTER_URL` is, PostgreSQL when `POSTGRES_URL` is, SQS when `SQS_ENDPOINT` is.
    static var all: [TestBackend] {
        let environment = ProcessInfo.processInfo.environment
        var backends: [TestBackend] = [.memory]
        if let url = environment["REDIS_URL"] { backends.append(.redis(url: url)) }
        if let url = environment["REDIS_CLUSTER_URL"] { backends.append(.redisCluster(url: url)) }
        if let url = environment["POSTGRES_URL"] { backends.append(.postgres(url: url)) }
        if let url = environment["SQS_ENDPOINT"] { backends.append(.sqs(endpoint: url)) }
        return backends
    }

    /// The backends on which a test can count the consumers waiting in `pop`: all but the shared cluster, whose
    /// servers count the blocked clients of every test at once, and SQS, which does not say who waits.
    static var countingWaits: [TestBackend] {
        all.filter {
            switch $0 {
            case .redisCluster, .sqs: false
            default: true
            }
        }
    }

    /// The backends that keep results, task statistics and worker heartbeats and can show their queue: all but SQS.
    static var keepingRecords: [TestBackend] {
        all.filter { !$0.isSQS }
    }

    /// The backends whose queue can push a job only if its id is free (``IdempotentJobQueue``): all but SQS.
    static var idempotent: [TestBackend] {
        all.filter { !$0.isSQS }
    }

    /// The backends whose error queue keeps at most `maxEntries` entries: all but SQS, which cannot trim a queue by
    /// count.
    static var trimmingErrorsByCount: [TestBackend] {
        all.filter { !$0.isSQS }
    }

    /// How long a test that drives many jobs through this backend waits for them: SQS is reached through an HTTP
    /// emulator that takes several round trips per job, so it gets longer.
    var patience: Duration {
        isSQS ? .seconds(60) : BackendBehaviourTests.patience
    }

    /// Whether this is SQS, where a few exact assertions are relaxed (see docs/sqs.md, "What is approximate"): it
    /// cannot refuse a stale receipt handle, and its counts are approximate.
    var isSQS: Bool {
        if case .sqs = self { true } else { false }
    }

    var testDescription: String {
        switch self {
        case .memory: "memory"
        case .redis: "redis"
        case .redisCluster: "redis-cluster"
        case .postgres: "postgres"
        case .sqs: "sqs"
        }
    }

    /// A factory for this backend: a fresh one in memory and on Redis; on PostgreSQL one migrated factory per error
    /// queue limits, shared by the tests (each factory holds a pool and a listening connection).
    func makeFactory(errorQueueLimits: ErrorQueueLimits = ErrorQueueLimits()) async throws -> any BackendFactory {
        switch self {
        case .memory:
            MemoryBackendFactory(errorQueueLimits: errorQueueLimits)
        case .redis(let url), .redisCluster(let url):
            try RedisBackendFactory(url: url, settings: RedisBackendSettings(keyPrefix: "bt", errorQueueLimits: errorQueueLimits))
        case .postgres(let url):
            try await SharedPostgresFactories.shared.factory(url: url, errorQueueLimits: errorQueueLimits)
        case .sqs(let endpoint):
            try await SharedSQSFactories.shared.factory(endpoint: endpoint, errorQueueLimits: errorQueueLimits)
        }
    }

    /// A fresh factory on which a test can count the consumers waiting in `pop` (on Redis: on a server of its own).
    func makeWaitCountingFactory() async throws -> WaitCountingFactory {
        switch self {
        case .memory: .memory()
        case .redis: try await .redis(settings: RedisBackendSettings(keyPrefix: "bt"))
        case .redisCluster: throw NotOnThisBackend(what: "counting waiting consumers on the shared cluster (see countingWaits)")
        case .sqs: throw NotOnThisBackend(what: "counting waiting consumers on SQS (see countingWaits)")
        case .postgres(let url):
            try await .postgres(SharedPostgresFactories.shared.factory(url: url, errorQueueLimits: ErrorQueueLimits()))
        }
    }

    /// A group name of its own for one test: `t-` and 8 hex characters.
    static func uniqueGroup() -> String {
        "t-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// The backend of a fresh group.
    func makeBackend(errorQueueLimits: ErrorQueueLimits = ErrorQueueLimits()) async throws -> any Backend {
        try await makeFactory(errorQueueLimits: errorQueueLimits).makeBackend(group: Self.uniqueGroup())
    }

    /// A `Deferrable` over a fresh group.
    func makeDeferrable(
        defaults: JobDefaults = JobDefaults(),
        errorQueueLimits: ErrorQueueLimits = ErrorQueueLimits()
    ) async throws -> Deferrable {
        try Deferrable(
            factory: await makeFactory(errorQueueLimits: errorQueueLimits), group: Self.uniqueGroup(), defaults: defaults)
    }
}

/// A test asked a backend for something it cannot give in this run.
struct NotOnThisBackend: Error {
    let what: String
}

/// How long a test waits for something that should happen soon before it fails.
let patience = Duration.seconds(10)

/// Pops until a job comes or `patience` runs out.
func popEventually(_ queue: any JobQueue, lease: Duration) async throws -> LeasedJob? {
    let deadline = ContinuousClock.now + patience
    while ContinuousClock.now < deadline {
        if let job = try await queue.pop(lease: lease, waitingUpTo: .milliseconds(100)) { return job }
    }
    return nil
}

/// Calls `runOnce` until it returns something other than `.empty`, or `patience` runs out.
func runEventually(_ deferrable: Deferrable) async throws -> RunOutcome {
    let deadline = ContinuousClock.now + patience
    while ContinuousClock.now < deadline {
        let outcome = try await deferrable.runOnce(waitingUpTo: .milliseconds(100))
        if outcome != .empty { return outcome }
    }
    return .empty
}

/// Runs until nothing is runnable right now; returns every non-empty outcome.
func drain(_ deferrable: Deferrable) async throws -> [RunOutcome] {
    var outcomes: [RunOutcome] = []
    while true {
        let outcome = try await deferrable.runOnce(waitingUpTo: .zero)
        if outcome == .empty { return outcomes }
        outcomes.append(outcome)
    }
}

/// Test payloads: opaque bytes are enough for the queue protocols.
func payload(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

struct Numbered: Codable, Sendable, Equatable {
    var n: Int
}

struct BoomError: Error {}

extension RunOutcome {
    var isFailed: Bool {
        if case .failed = self { true } else { false }
    }
}
