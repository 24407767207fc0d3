/// Options of one job. Every `nil` option falls back to the instance-wide ``JobDefaults``.
public struct JobOptions: Sendable {
    /// Total runs allowed (first run plus retries): 1 to 2³¹ − 1.
    public var maxAttempts: Int?
    /// Which errors retry.
    public var retry: RetryPolicy?
    /// Delay between retries.
    public var backoff: Backoff?
    /// Initial delay of the first push (never re-applied on retry): zero to ``EnvelopeBounds/longestDuration``
    /// (100 years), and no longer than ``ttl``.
    public var delay: DurationSetting?
    /// Time to live, counted from the first `later()`; an expired job is dropped, not run. Positive, at most
    /// ``EnvelopeBounds/longestDuration`` (100 years).
    public var ttl: DurationSetting?
    /// Longest a run may take before it is cancelled and fails with ``TimeLimitExceeded``. Positive, at most
    /// ``EnvelopeBounds/longestDuration`` (100 years).
    public var timeLimit: Duration?
    /// Debounce settings; needs a ``Debouncer`` on the ``Deferrable`` instance.
    public var debounce: Debounce?
    /// How long the result of a job that returns a value is kept after the job ends (``JobDefaults/resultTTL`` when
    /// `nil`): positive, at most ``EnvelopeBounds/longestDuration``. Ignored by jobs that return nothing.
    public var resultTTL: Duration?
    /// Error types a future of this job re-raises as themselves (list them on the consumer's and the caller's side);
    /// any other failure arrives as ``JobResultError/failed(jobID:_:)``.
    public var resultErrors: [any CodableJobError.Type]
    /// A circuit breaker every run of the job goes through: while it is open the job is not run but rescheduled,
    /// without using an attempt, to when the circuit may admit a call (plus jitter), and the run's failures count
    /// towards tripping it (see ``CircuitBreaker``).
    public var circuitBreaker: CircuitBreaker?
    /// At most one copy of each identity (name and arguments) in the group (see ``Uniqueness`` for the release point);
    /// cannot be combined with ``debounce``. Needs a backend whose queue is an ``IdempotentJobQueue``.
    public var unique: Uniqueness?

    /// Creates options. Values are checked when the job is registered (computed durations at each `later()`): one out
    /// of range throws ``DeferrableError/invalidOption(job:reason:)``.
    public init(
        maxAttempts: Int? = nil,
        retry: RetryPolicy? = nil,
        backoff: Backoff? = nil,
        delay: DurationSetting? = nil,
        ttl: DurationSetting? = nil,
        timeLimit: Duration? = nil,
        debounce: Debounce? = nil,
        resultTTL: Duration? = nil,
        resultErrors: [any CodableJobError.Type] = [],
        circuitBreaker: CircuitBreaker? = nil,
        unique: Uniqueness? = nil
    ) {
        self.unique = unique
        self.circuitBreaker = circuitBreaker
        self.maxAttempts = maxAttempts
        self.retry = retry
        self.backoff = backoff
        self.delay = delay
        self.ttl = ttl
        self.timeLimit = timeLimit
        self.debounce = debounce
        self.resultTTL = resultTTL
        self.resultErrors = resultErrors
    }
}

/// Instance-wide defaults of ``JobOptions`` and limits of a ``Deferrable`` instance.
///
/// ``Deferrable`` checks them when it is made and throws ``DeferrableError/invalidDefaults(_:)`` for a value out of
/// range.
public struct JobDefaults: Sendable {
    /// The shortest lease an instance accepts: 50 ms (leases are extended every third of their duration).
    public static let shortestLease = Duration.milliseconds(50)

    /// Default total runs: 5, as in the original; 1 to 2³¹ − 1.
    public var maxAttempts: Int
    /// Default retry policy: nothing is retried.
    public var retry: RetryPolicy
    /// Default backoff: `min(2 + 2^n, 900)` seconds.
    public var backoff: Backoff
    /// Lease (visibility timeout) of a popped job; extended automatically while the job runs. From
    /// ``shortestLease`` to ``EnvelopeBounds/longestDuration``.
    public var lease: Duration
    /// Largest accepted envelope, checked at `later()` and at pop (default 1 MiB); positive.
    public var maxEnvelopeBytes: Int
    /// Default run time limit, if any: positive, at most ``EnvelopeBounds/longestDuration``.
    public var timeLimit: Duration?
    /// How long the result of a job that returns a value is kept after the job ends: 60 minutes by default; positive,
    /// at most ``EnvelopeBounds/longestDuration``.
    public var resultTTL: Duration
    /// Largest value JSON a consumer stores as a job's result (`nil`: ``maxEnvelopeBytes``); a larger value ends the
    /// job as completed with ``ResultNotKeptReason/tooLarge(size:limit:)``. Positive.
    public var maxResultBytes: Int?
    /// Whether consumers count their runs in the group's task statistics (when the backend keeps them): on by
    /// default.
    public var recordsStatistics: Bool

    /// The result limit in effect: ``maxResultBytes``, or ``maxEnvelopeBytes`` when it is `nil`.
    public var resultLimit: Int { maxResultBytes ?? maxEnvelopeBytes }

    /// Creates defaults.
    public init(
        maxAttempts: Int = 5,
        retry: RetryPolicy = .never,
        backoff: Backoff = .exponential(),
        lease: Duration = .seconds(30),
        maxEnvelopeBytes: Int = 1 << 20,
        timeLimit: Duration? = nil,
        resultTTL: Duration = .seconds(3600),
        maxResultBytes: Int? = nil,
        recordsStatistics: Bool = true
    ) {
        self.recordsStatistics = recordsStatistics
        self.resultTTL = resultTTL
        self.maxResultBytes = maxResultBytes
        self.maxAttempts = maxAttempts
        self.retry = retry
        self.backoff = backoff
        self.lease = lease
        self.maxEnvelopeBytes = maxEnvelopeBytes
        self.timeLimit = timeLimit
    }
}
