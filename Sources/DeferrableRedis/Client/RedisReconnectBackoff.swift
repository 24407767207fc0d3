/// Capped exponential backoff with jitter between connection attempts (50 ms, 100 ms, ... up to 2 s).
struct RedisReconnectBackoff: Sendable {
    static let initialDelay: Duration = .milliseconds(50)
    static let maximumDelay: Duration = .seconds(2)

    /// Consecutive failed attempts.
    private(set) var failures = 0
    /// No new attempt before this instant.
    private(set) var notBefore: ContinuousClock.Instant?
    /// Why the last attempt failed.
    private(set) var lastError: RedisError?

    /// Records a failed attempt and schedules the next one.
    mutating func recordFailure(_ error: RedisError, now: ContinuousClock.Instant = .now) {
        failures += 1
        lastError = error
        notBefore = now + Self.delay(afterFailures: failures)
    }

    /// Forgets past failures.
    mutating func reset() {
        self = RedisReconnectBackoff()
    }

    /// The error to throw instead of attempting a connection, or `nil` if an attempt is allowed now.
    func refusal(now: ContinuousClock.Instant = .now) -> RedisError? {
        guard let notBefore, now < notBefore, let lastError else {
            return nil
        }
        let wait = notBefore - now
        let milliseconds = wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000
        switch lastError {
        case .cannotConnect(let endpoint, let reason):
            return .cannotConnect(endpoint: endpoint, reason: "\(reason) (next attempt in \(milliseconds) ms)")
        default:
            return lastError
        }
    }

    /// The delay after `failures` consecutive failures: 50 ms · 2^(failures-1), capped at 2 s, with ±25 % jitter.
    static func delay(afterFailures failures: Int) -> Duration {
        let exponent = min(max(failures - 1, 0), 16)
        let base = min(initialDelay * (1 << exponent), maximumDelay)
        return base * Double.random(in: 0.75...1.25)
    }
}
