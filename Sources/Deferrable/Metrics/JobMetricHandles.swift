import CoreMetrics
import Synchronization

/// The swift-metrics handles of one job name in one group, made together on the job's first event and kept: one
/// lookup per event instead of one per metric (handles per outcome are made on first use of the outcome).
final class JobMetricHandles: Sendable {
    let pushed: Counter
    let completed: Counter
    let retried: Counter
    let failed: Counter
    let expired: Counter
    let debounced: Counter
    let queueWait: Timer
    let inFlight: Meter
    /// The count behind ``inFlight``, shared by every job name of the group.
    let inFlightCount: InFlightCount
    /// The handles of the `completed` outcome, the common one, kept apart from the others (no lookup).
    let completedRun: RunHandles
    private let factory: any MetricsFactory
    private let dimensions: [(String, String)]
    private let byOutcome = Mutex<[String: RunHandles]>([:])

    /// The run counter and run-duration timer of one outcome.
    struct RunHandles: Sendable {
        let runs: Counter
        let duration: Timer
    }

    init(group: String, name: String, inFlightCount: InFlightCount, factory: any MetricsFactory) {
        let dimensions = [("group", group), ("job", name)]
        func counter(_ label: String) -> Counter { Counter(label: label, dimensions: dimensions, factory: factory) }
        pushed = counter(MetricsObserver.Label.pushed)
        completed = counter(MetricsObserver.Label.completed)
        retried = counter(MetricsObserver.Label.retried)
        failed = counter(MetricsObserver.Label.failed)
        expired = counter(MetricsObserver.Label.expired)
        debounced = counter(MetricsObserver.Label.debounced)
        queueWait = Timer(label: MetricsObserver.Label.queueWait, dimensions: dimensions, factory: factory)
        inFlight = Meter(label: MetricsObserver.Label.inFlight, dimensions: [("group", group)], factory: factory)
        self.inFlightCount = inFlightCount
        completedRun = Self.makeRun("completed", dimensions: dimensions, factory: factory)
        self.factory = factory
        self.dimensions = dimensions
    }

    /// The handles of runs that ended with `outcome` (a ``RunOutcome/label``).
    func run(_ outcome: String) -> RunHandles {
        if outcome == "completed" { return completedRun }
        if let existing = byOutcome.withLock({ $0[outcome] }) { return existing }
        let made = Self.makeRun(outcome, dimensions: dimensions, factory: factory)
        return byOutcome.withLock { handles in
            if let existing = handles[outcome] { return existing }
            handles[outcome] = made
            return made
        }
    }

    private static func makeRun(_ outcome: String, dimensions: [(String, String)], factory: any MetricsFactory) -> RunHandles {
        let dimensions = dimensions + [("outcome", outcome)]
        return RunHandles(
            runs: Counter(label: MetricsObserver.Label.runs, dimensions: dimensions, factory: factory),
            duration: Timer(label: MetricsObserver.Label.runDuration, dimensions: dimensions, factory: factory))
    }
}
