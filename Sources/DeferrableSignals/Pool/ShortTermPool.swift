import CoreMetrics
import Deferrable
import Logging
import Synchronization

/// A bounded, in-memory pool for the many small operations of one request: better than a task per operation,
/// which can start them all at once and exhaust what they share (database connections, a third party's rate limit).
///
/// At most ``Configuration/concurrency`` items run at once; the others wait in a queue of bounded size, in order.
/// An item that has not started within its pickup deadline never runs: its fallback answers, or its caller gets
/// ``PoolPickupExpired``. A running item is cancelled at its time limit and ends with its fallback or
/// `TimeLimitExceeded`, at once even when its body ignores the cancellation (its slot stays taken until the body
/// really ends, so the bound always holds). Slow runs and expirations are logged once per item, with the item's wait
/// and run time, and counted (``PoolMetrics``). With a ``Configuration/maxConcurrency`` the pool adds slots while
/// items are at risk of expiring and removes them when calm (``PoolScaling``).
///
/// Waiting items cost no task: an item waits in its caller's task, and a caller that is cancelled leaves the
/// queue, so an item never runs after its caller has gone away. One background task watches the deadlines.
public final class ShortTermPool: Sendable {
    /// The name in logs and metric dimensions.
    public let name: String
    /// The settings the pool was made with.
    public let configuration: Configuration
    let clock: ElapsedClock
    let logger: Logger
    let metrics: PoolMetrics
    let state: Mutex<PoolState>

    /// Creates a pool.
    /// - Parameters:
    ///   - clock: the clock for deadlines, waits and run times (a manually advanced one in tests).
    ///   - metrics: the metrics factory; `nil` uses the one bootstrapped in `MetricsSystem`.
    /// - Throws: ``InvalidPoolConfiguration`` for a configuration that cannot work.
    public init<C: Clock>(
        name: String = "default", configuration: Configuration = Configuration(), clock: C,
        logger: Logger = Logger(label: "deferrable.pool"), metrics: (any MetricsFactory)? = nil
    ) throws(InvalidPoolConfiguration) where C.Duration == Duration {
        if let problem = configuration.problem() { throw InvalidPoolConfiguration(reason: problem) }
        self.name = name
        self.configuration = configuration
        self.clock = ElapsedClock(clock)
        self.logger = logger
        self.metrics = PoolMetrics(pool: name, factory: metrics ?? MetricsSystem.factory)
        self.state = Mutex(PoolState(configuration: configuration, now: self.clock.now()))
        self.metrics.concurrency.record(configuration.concurrency)
    }

    /// Creates a pool on the continuous clock.
    /// - Throws: ``InvalidPoolConfiguration`` for a configuration that cannot work.
    public convenience init(
        name: String = "default", configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "deferrable.pool"), metrics: (any MetricsFactory)? = nil
    ) throws(InvalidPoolConfiguration) {
        try self.init(name: name, configuration: configuration, clock: ContinuousClock(), logger: logger, metrics: metrics)
    }

    /// Runs `body` in the pool and returns its value.
    ///
    /// Waits for a slot (in order of submission) for at most the pickup deadline. `body`'s own errors are passed
    /// on; `fallback` answers instead when the item does not get a result of its own from the pool: expired before
    /// pickup, dropped from a full queue, or cancelled at its time limit.
    /// - Throws: `body`'s or `fallback`'s error; without a fallback ``PoolPickupExpired``, ``PoolItemDropped`` or
    ///   `TimeLimitExceeded`; ``PoolQueueFull`` when the queue is full and the policy rejects; `CancellationError`
    ///   when the caller is cancelled (a waiting item then never runs).
    public func run<T: Sendable>(
        fallback: (@Sendable (PoolFallbackReason) async throws -> T)? = nil, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let submitted = clock.now()
        let admission = try await admit(submitted: submitted, deadline: submitted + configuration.pickupDeadline)
        return try await complete(admission, fallback: fallback, body)
    }

    /// Runs `body` for every item in the pool, at most ``Configuration/concurrency`` at a time, and returns the
    /// results in the order of `items`.
    ///
    /// Every item has the pickup deadline of the call; the items enter the queue one at a time as slots free up,
    /// so a large `items` takes one place in the queue, not one per item. `fallback` answers for an item as in
    /// ``run(fallback:_:)``. The first error (of a body, a fallback, or the pool) cancels the items still running
    /// and is thrown; the items not yet started never run.
    public func map<Item: Sendable, T: Sendable>(
        _ items: some Sequence<Item>, fallback: (@Sendable (Item, PoolFallbackReason) async throws -> T)? = nil,
        _ body: @escaping @Sendable (Item) async throws -> T
    ) async throws -> [T] {
        let items = Array(items)
        let submitted = clock.now()
        let deadline = submitted + configuration.pickupDeadline
        // At most as many children as the pool may run: a finished child is collected before the next item enters,
        // so a large map holds a bounded number of tasks, and results come in (and errors surface) as items end.
        let children = configuration.maxConcurrency ?? configuration.concurrency
        return try await withThrowingTaskGroup(of: (Int, T).self) { group in
            var results = [T?](repeating: nil, count: items.count)
            var running = 0
            for (index, item) in items.enumerated() {
                if running >= children, let (done, value) = try await group.next() {
                    results[done] = value
                    running -= 1
                }
                let admission = try await admit(submitted: submitted, deadline: deadline)
                let itemFallback = fallback.map { fallback in
                    { @Sendable (reason: PoolFallbackReason) in try await fallback(item, reason) }
                }
                group.addTask { (index, try await self.complete(admission, fallback: itemFallback) { try await body(item) }) }
                running += 1
            }
            for try await (index, value) in group { results[index] = value }
            return results.map { $0! }
        }
    }

    /// The pool's concurrency, load and risk now.
    public func status() -> ShortTermPoolStatus {
        state.withLock {
            ShortTermPoolStatus(concurrency: $0.concurrency, running: $0.running, queued: $0.queued, risk: $0.risk)
        }
    }
}
