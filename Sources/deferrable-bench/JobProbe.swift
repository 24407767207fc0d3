import Synchronization

/// Watches the jobs of one phase: when the first one started, when the expected number completed, and (for
/// `latency` and `delayed-latency`) each job's start latency: from its push, or from its due time when it was
/// pushed with a delay.
///
/// Starts are recorded by the job body; completions by an observer of `.complete` events, which the library
/// emits after the job is settled in the backend.
final class JobProbe: Sendable {
    /// Completions after which the phase is done.
    let expected: Int
    private let latencies: LatencyRecorder?
    private let firstStart = Atomic<Int64>(0)
    private let lastCompletion = Atomic<Int64>(0)
    private let completions = Atomic<Int>(0)
    private let starts = Atomic<Int>(0)

    /// Creates a probe expecting `expected` completions; pass a recorder to record start latencies.
    init(expected: Int, latencies: LatencyRecorder? = nil) {
        self.expected = expected
        self.latencies = latencies
    }

    /// Called by the job body as it starts.
    func jobStarted(_ args: BenchArgs) {
        let now = MonotonicClock.nanos()
        _ = firstStart.compareExchange(expected: 0, desired: now, ordering: .relaxed)
        starts.add(1, ordering: .relaxed)
        if let latencies {
            latencies.record(nanos: now - args.sentAt - (args.delayNanos ?? 0))
        }
    }

    /// Called once per settled job.
    func jobCompleted() {
        let count = completions.add(1, ordering: .acquiringAndReleasing).newValue
        if count == expected {
            lastCompletion.store(MonotonicClock.nanos(), ordering: .releasing)
        }
    }

    /// Whether the expected number of jobs completed.
    var isDone: Bool { completions.load(ordering: .acquiring) >= expected }

    /// Jobs started so far.
    var started: Int { starts.load(ordering: .relaxed) }

    /// Jobs completed so far.
    var completed: Int { completions.load(ordering: .relaxed) }

    /// Seconds from the first start to the expected-th completion (valid once ``isDone``).
    var drainSeconds: Double {
        Double(lastCompletion.load(ordering: .acquiring) - firstStart.load(ordering: .relaxed)) / 1e9
    }

    /// Waits until the phase is done, polling every millisecond; throws ``BenchError/timedOut(_:)`` after `limit`.
    func waitUntilDone(limit: Duration, what: String) async throws {
        let deadline = ContinuousClock.now + limit
        while !isDone {
            guard ContinuousClock.now < deadline else {
                throw BenchError.timedOut("\(what): \(completed) of \(expected) jobs completed (\(started) started) within \(limit)")
            }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}
