import CoreMetrics

/// The metric handles of one ``ShortTermPool``, made once so that an item only increments and records.
///
/// - `deferrable_pool_items_total{pool, outcome}`: items by how they ended (`completed`, `failed`, `expired`,
///   `dropped`, `timed_out`, `rejected`, `cancelled`, `ran_in_caller`).
/// - `deferrable_pool_slow_total{pool}`: runs longer than the slow threshold.
/// - `deferrable_pool_wait_seconds{pool}` and `deferrable_pool_run_seconds{pool}`: queue wait and run time.
/// - `deferrable_pool_concurrency{pool}`, `deferrable_pool_queued{pool}`, `deferrable_pool_risk{pool}`: gauges.
struct PoolMetrics: Sendable {
    enum Outcome: String, CaseIterable, Sendable {
        case completed, failed, expired, dropped, rejected, cancelled
        case timedOut = "timed_out"
        case ranInCaller = "ran_in_caller"
    }

    private let items: [Outcome: Counter]
    let slow: Counter
    let wait: Timer
    let run: Timer
    let concurrency: Gauge
    let queued: Gauge
    let risk: Gauge

    init(pool: String, factory: any MetricsFactory) {
        let dimensions = [("pool", pool)]
        var items: [Outcome: Counter] = [:]
        for outcome in Outcome.allCases {
            items[outcome] = Counter(
                label: "deferrable_pool_items_total", dimensions: dimensions + [("outcome", outcome.rawValue)], factory: factory)
        }
        self.items = items
        slow = Counter(label: "deferrable_pool_slow_total", dimensions: dimensions, factory: factory)
        wait = Timer(label: "deferrable_pool_wait_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds, factory: factory)
        run = Timer(label: "deferrable_pool_run_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds, factory: factory)
        concurrency = Gauge(label: "deferrable_pool_concurrency", dimensions: dimensions, factory: factory)
        queued = Gauge(label: "deferrable_pool_queued", dimensions: dimensions, factory: factory)
        risk = Gauge(label: "deferrable_pool_risk", dimensions: dimensions, factory: factory)
    }

    func count(_ outcome: Outcome) {
        items[outcome]?.increment()
    }
}
