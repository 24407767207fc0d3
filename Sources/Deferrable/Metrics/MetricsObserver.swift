import CoreMetrics
import Metrics
import Synchronization

/// Reports job events to swift-metrics.
///
/// Add it to an instance with `deferrable.addObserver(MetricsObserver())` (a ``Worker`` adds one by default).
/// With no metrics backend bootstrapped (`MetricsSystem.bootstrap`), swift-metrics discards the values.
///
/// | metric | type | dimensions | when |
/// |---|---|---|---|
/// | `deferrable_jobs_pushed_total` | counter | group, job | a job was pushed (`later()`) |
/// | `deferrable_jobs_completed_total` | counter | group, job | a run succeeded |
/// | `deferrable_jobs_retried_total` | counter | group, job | a run failed and the job will be retried |
/// | `deferrable_jobs_failed_total` | counter | group, job | a job went to the error queue |
/// | `deferrable_jobs_expired_total` | counter | group, job | a job was past its TTL and dropped |
/// | `deferrable_jobs_debounced_total` | counter | group, job | a debounced call collapsed into a pending run |
/// | `deferrable_job_runs_total` | counter | group, job, outcome | every popped job, by ``RunOutcome/label`` |
/// | `deferrable_job_run_duration` | timer | group, job, outcome | from pop to settlement of a job |
/// | `deferrable_job_queue_wait` | timer | group, job | from runnable (`notBefore` or last push) to pop |
/// | `deferrable_jobs_in_flight` | meter | group | jobs popped and not yet settled in this process |
///
/// The `job` dimension is the job name, or `unknown` for a name not registered on the instance (a producer wrote it,
/// or the payload could not be read), so that names from outside do not make series of their own; `outcome` is
/// ``RunOutcome/label``, or `abandoned` for a run whose settlement failed until its lease deadline. Run durations come
/// from ``DeferrableEvent/runDuration``. The in-flight count rises at each `pop` event and falls at the event that
/// closes the run (`complete`, `handBack` or `abandon`); runs already going when the observer was added are not in it.
///
/// The observer makes each metric's handle once and keeps it, so bootstrap your metrics backend
/// (`MetricsSystem.bootstrap`) before the first job event, or pass `factory:` explicitly.
public final class MetricsObserver: DeferrableObserver, Sendable {
    /// Metric labels.
    public enum Label {
        /// Jobs pushed.
        public static let pushed = "deferrable_jobs_pushed_total"
        /// Jobs that ran successfully.
        public static let completed = "deferrable_jobs_completed_total"
        /// Runs that failed and will be retried.
        public static let retried = "deferrable_jobs_retried_total"
        /// Jobs sent to the error queue.
        public static let failed = "deferrable_jobs_failed_total"
        /// Jobs dropped because they expired.
        public static let expired = "deferrable_jobs_expired_total"
        /// Debounced calls collapsed into a pending run.
        public static let debounced = "deferrable_jobs_debounced_total"
        /// Popped jobs by outcome.
        public static let runs = "deferrable_job_runs_total"
        /// Run duration, pop to settlement.
        public static let runDuration = "deferrable_job_run_duration"
        /// Wait from runnable to pop.
        public static let queueWait = "deferrable_job_queue_wait"
        /// Jobs in flight in this process.
        public static let inFlight = "deferrable_jobs_in_flight"
    }

    private struct JobKey: Hashable {
        let group: String
        let name: String
    }

    private struct Handles {
        var byJob: [JobKey: JobMetricHandles] = [:]
        var inFlightByGroup: [String: InFlightCount] = [:]
    }

    private let factory: (any MetricsFactory)?
    private let clock: any DeferrableClock
    /// Metric handles made so far, per group and job name: swift-metrics handles are meant to be kept, and making one
    /// per event costs more than the event. Bounded by groups × job names (× outcomes inside).
    private let handles = Mutex(Handles())

    /// Creates an observer.
    /// - Parameters:
    ///   - factory: where metrics go; `nil` (the default) uses the bootstrapped `MetricsSystem.factory`.
    ///   - clock: the consumer's wall clock, for queue wait (use the instance's ``Deferrable/clock``).
    public init(factory: (any MetricsFactory)? = nil, clock: any DeferrableClock = SystemClock()) {
        self.factory = factory
        self.clock = clock
    }

    public func handle(_ event: DeferrableEvent) async throws {
        let group = event.job?.group ?? event.envelope?.group ?? "?"
        let name = event.hasUnregisteredName ? Self.unknownName : event.job?.name ?? event.envelope?.name ?? "?"
        switch event.kind {
        case .push: metrics(group: group, name: name).pushed.increment()
        case .debounceHit: metrics(group: group, name: name).debounced.increment()
        case .retry: metrics(group: group, name: name).retried.increment()
        case .error: metrics(group: group, name: name).failed.increment()
        case .expire: metrics(group: group, name: name).expired.increment()
        case .pop: runStarted(event, metrics: metrics(group: group, name: name))
        case .complete, .handBack, .abandon: runEnded(event, metrics: metrics(group: group, name: name))
        default: break
        }
    }

    private func runStarted(_ event: DeferrableEvent, metrics: JobMetricHandles) {
        metrics.inFlight.set(metrics.inFlightCount.increment())
        if let envelope = event.envelope {
            metrics.queueWait.recordMilliseconds(max(0, clock.nowMillis() - envelope.runnableAt))
        }
    }

    private func runEnded(_ event: DeferrableEvent, metrics: JobMetricHandles) {
        metrics.inFlight.set(metrics.inFlightCount.decrement())
        if case .completed = event.outcome { metrics.completed.increment() }
        let run = metrics.run(event.outcome?.label ?? Self.closingLabel(event.kind))
        run.runs.increment()
        if let duration = event.runDuration { run.duration.record(duration: duration) }
    }

    /// The `job` dimension of names not registered on the instance.
    static let unknownName = "unknown"

    /// The `outcome` dimension of a closing event without an outcome.
    private static func closingLabel(_ kind: DeferrableEvent.Kind) -> String {
        switch kind {
        case .handBack: "handedBack"
        case .abandon: "abandoned"
        default: "unknown"
        }
    }

    /// The kept handles of a job name in a group, made on first use.
    private func metrics(group: String, name: String) -> JobMetricHandles {
        let key = JobKey(group: group, name: name)
        if let existing = handles.withLock({ $0.byJob[key] }) { return existing }
        let factory = factory ?? MetricsSystem.factory
        return handles.withLock { handles in
            if let existing = handles.byJob[key] { return existing }
            let inFlight = handles.inFlightByGroup[group] ?? InFlightCount()
            handles.inFlightByGroup[group] = inFlight
            let made = JobMetricHandles(group: group, name: name, inFlightCount: inFlight, factory: factory)
            handles.byJob[key] = made
            return made
        }
    }
}
