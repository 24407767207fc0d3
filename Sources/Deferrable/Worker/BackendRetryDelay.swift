/// Capped exponential backoff with jitter for retrying a failing backend.
struct BackendRetryDelay: Sendable {
    let initial: Duration
    let maximum: Duration

    /// The pause after the `failures`-th consecutive failure (1-based): `min(maximum, initial · 2^(failures-1))`,
    /// jittered to between half and all of it so that many workers do not retry in lockstep.
    func delay(afterFailures failures: Int, random: Double = Double.random(in: 0...1)) -> Duration {
        let initialMillis = max(1, initial.wholeMilliseconds)
        let maximumMillis = max(initialMillis, maximum.wholeMilliseconds)
        let exponent = min(max(failures - 1, 0), 30)
        let base = min(maximumMillis, initialMillis << Int64(exponent))
        let jittered = Double(base) / 2 + Double(base) / 2 * min(max(random, 0), 1)
        return .milliseconds(Int64(jittered.rounded()))
    }
}
