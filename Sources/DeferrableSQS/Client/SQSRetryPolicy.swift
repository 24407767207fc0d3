import Deferrable

/// How a throttled or failed SQS request is retried: up to `maxAttempts` in all, waiting a random time up to
/// `base × 2^(attempt-1)`, capped at `cap` ("full jitter"), between attempts.
///
/// Retried: throttling codes, HTTP 5xx and requests that got no answer. Other errors are thrown at once.
public struct SQSRetryPolicy: Sendable, Hashable {
    /// Attempts in all, 1 to 20 (1: no retry).
    public var maxAttempts: Int
    public var base: Duration
    public var cap: Duration

    /// Creates a policy; the values are clamped to their ranges (attempts 1 to 20, durations 0 to 60 s).
    public init(maxAttempts: Int = 5, base: Duration = .milliseconds(50), cap: Duration = .seconds(2)) {
        self.maxAttempts = min(max(maxAttempts, 1), 20)
        self.base = min(max(base, .zero), .seconds(60))
        self.cap = min(max(cap, .zero), .seconds(60))
    }

    /// The most to wait after failed attempt `attempt` (1-based).
    func ceiling(after attempt: Int) -> Duration {
        let doublings = min(max(attempt - 1, 0), 30)
        let grown = base * (1 << doublings)
        return min(grown, cap)
    }

    /// Sleeps a random time up to ``ceiling(after:)`` of `attempt`.
    func pause(after attempt: Int) async throws {
        let ceiling = max(0, ceiling(after: attempt).wholeNanoseconds)
        try await Task.sleep(for: .nanoseconds(ceiling > 0 ? Int64.random(in: 0...ceiling) : 0))
    }

    /// Whether an answer with this status and code is worth another attempt.
    static func isRetryable(status: Int, code: String) -> Bool {
        if status >= 500 { return true }
        return throttlingCodes.contains(code)
    }

    private static let throttlingCodes: Set<String> = [
        "ThrottlingException", "RequestThrottled", "RequestThrottledException", "Throttling", "TooManyRequestsException",
        "ServiceUnavailable", "InternalFailure", "InternalError", "KmsThrottled",
    ]
}
