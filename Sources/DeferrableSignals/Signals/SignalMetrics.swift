import CoreMetrics

/// The metric handles of one ``Signal``.
///
/// - `deferrable_signal_listener_failures_total{signal, listener}`: listeners that threw (or could not be pushed).
/// - `deferrable_signal_queued_total{signal}`: queued listeners pushed as jobs.
/// - `deferrable_signal_collections_total{signal, end}`: collections by how they ended (`complete`,
///   `deadline_passed`, `listeners_exhausted`, `stopped_by_failure`).
struct SignalMetrics: Sendable {
    let signal: String
    let factory: any MetricsFactory
    private let queued: Counter
    private let collections: [CollectionEnd: Counter]

    init(signal: String, factory: any MetricsFactory) {
        self.signal = signal
        self.factory = factory
        queued = Counter(label: "deferrable_signal_queued_total", dimensions: [("signal", signal)], factory: factory)
        var collections: [CollectionEnd: Counter] = [:]
        for end in CollectionEnd.allCases {
            collections[end] = Counter(
                label: "deferrable_signal_collections_total", dimensions: [("signal", signal), ("end", end.rawValue)],
                factory: factory)
        }
        self.collections = collections
    }

    /// Counts a failure of `listener` (listeners are few and named in code, so the dimension stays small).
    func countFailure(of listener: SignalListener) {
        Counter(
            label: "deferrable_signal_listener_failures_total", dimensions: [("signal", signal), ("listener", listener.name)],
            factory: factory
        ).increment()
    }

    func countQueued() {
        queued.increment()
    }

    func countCollection(_ end: CollectionEnd) {
        collections[end]?.increment()
    }
}
