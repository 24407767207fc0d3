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

    /// Creates options. Values are checked when the job is registered (computed durations at each `later()`): one out
    /// of range throws ``DeferrableError/invalidOption(job:reason:)``.
    public init(
        maxAttempts: Int? = nil,
        retry: RetryPolicy? = nil,
        backoff: Backoff? = nil,
        delay: DurationSetting? = nil,
        ttl: DurationSetting? = nil,
        timeLimit: Duration? = nil,
        debounce: Debounce? = nil
    ) {
        self.maxAttempts = maxAttempts
        self.retry = retry
        self.backoff = backoff
        self.delay = delay
        self.ttl = ttl
        self.timeLimit = timeLimit
        self.debounce = debounce
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

    /// Creates defaults.
    public init(
        maxAttempts: Int = 5,
        retry: RetryPolicy = .never,
        backoff: Backoff = .exponential(),
        lease: Duration = .seconds(30),
        maxEnvelopeBytes: Int = 1 << 20,
        timeLimit: Duration? = nil
    ) {
        self.maxAttempts = maxAttempts
        self.retry = retry
        self.backoff = backoff
        self.lease = lease
        self.maxEnvelopeBytes = maxEnvelopeBytes
        self.timeLimit = timeLimit
    }
}
