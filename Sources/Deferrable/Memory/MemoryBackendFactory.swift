import Synchronization

/// The embedded in-memory backend: fast, exact, thread-safe, and gone when the process exits.
///
/// Groups made by one factory are shared by everything that uses that factory in the process, so a
/// producer and a consumer built on the same factory see the same jobs. Use it for tests, demos and
/// single-process apps that can afford to lose queued jobs on exit; use the Redis backend otherwise.
public final class MemoryBackendFactory: BackendFactory {
    private let clock: any DeferrableClock
    private let limits: ErrorQueueLimits
    private let maxStoredResults: Int
    /// The store of every group a backend was made for.
    let stores = Mutex<[String: MemoryGroupStore]>([:])

    /// Creates a factory.
    /// - Parameters:
    ///   - clock: the clock for delays and leases (inject a ``ManualClock`` in tests).
    ///   - errorQueueLimits: bounds of every group's error queue.
    ///   - maxStoredResults: most job results each group keeps at once (at least 1; default 1,000,000); storing one
    ///     more drops the record that expires first.
    public init(
        clock: any DeferrableClock = SystemClock(), errorQueueLimits: ErrorQueueLimits = .init(), maxStoredResults: Int = 1_000_000
    ) {
        self.clock = clock
        self.limits = errorQueueLimits
        self.maxStoredResults = max(1, maxStoredResults)
    }

    /// The backend of `group`; every call for the same group shares one store.
    public func makeBackend(group: String) throws -> any Backend {
        try GroupName.validate(group)
        let store = stores.withLock { stores in
            if let existing = stores[group] { return existing }
            let created = MemoryGroupStore(clock: clock, limits: limits, maxResults: maxStoredResults)
            stores[group] = created
            return created
        }
        let queue = MemoryJobQueue(store: store)
        return MemoryBackend(
            group: group, queue: queue, errorQueue: MemoryErrorQueue(store: store), results: MemoryResultStore(store: store),
            statistics: MemoryStatisticsStore(group: group, store: store),
            workers: store.workers, inspector: MemoryQueueInspector(store: store))
    }

    /// How many callers wait for a result of `group` right now, so that a test can act once a caller really waits.
    @_spi(Testing)
    public func resultWaiters(group: String) -> Int {
        stores.withLock { $0[group] }?.withState { state, _ in state.results.waiters.values.reduce(0) { $0 + $1.count } } ?? 0
    }

    /// The result storage of `group` in entries (records, dictionary capacity, expiry items), so that a test can check
    /// that it shrinks once records expire.
    @_spi(Testing)
    public func resultStorage(group: String) -> (entries: Int, capacity: Int, expiries: Int) {
        stores.withLock { $0[group] }?.withState { state, _ in state.results.footprint } ?? (0, 0, 0)
    }

    /// How many consumers wait in `pop` on `group` right now (0 for a group this factory never made), so that a test
    /// can act once a consumer really waits.
    @_spi(Testing)
    public func waitingConsumers(group: String) -> Int {
        stores.withLock { $0[group] }?.waitingConsumers ?? 0
    }
}

/// A group's in-memory queues.
struct MemoryBackend: Backend {
    let group: String
    let queue: any JobQueue
    let errorQueue: any ErrorQueue
    let results: (any ResultStore)?
    let statistics: (any TaskStatisticsStore)?
    let workers: (any WorkerDirectory)?
    let inspector: (any QueueInspector)?
}
