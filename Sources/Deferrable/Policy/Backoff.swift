/// How long a retried job waits before it runs again.
///
/// The default, ``exponential(cap:)``, keeps the original library's formula: the n-th retry waits
/// `min(2 + 2^n, 900)` seconds (4, 6, 10, 18, 34, … s). A backoff travels inside the envelope, so every
/// consumer applies the producer's choice.
public struct Backoff: Sendable, Equatable, Codable {
    enum Kind: String, Codable, Sendable {
        case none
        case fixed
        case exponential
        case exponentialJitter
    }

    let kind: Kind
    /// Fixed delay, or the cap of the exponential forms, in milliseconds.
    let millis: Int64

    /// Retries run again at once.
    public static let immediate = Backoff(kind: .none, millis: 0)

    /// Every retry waits the same `delay`, in whole milliseconds from zero to ``EnvelopeBounds/longestDuration``
    /// (a negative delay is zero, a longer one is that maximum).
    public static func fixed(_ delay: Duration) -> Backoff {
        Backoff(kind: .fixed, millis: clampedMillis(delay))
    }

    /// The original formula: retry n waits `min(2 + 2^n seconds, cap)`. The cap is clamped like the delay of
    /// ``fixed(_:)``.
    public static func exponential(cap: Duration = .seconds(900)) -> Backoff {
        Backoff(kind: .exponential, millis: clampedMillis(cap))
    }

    /// Like ``exponential(cap:)`` with "equal jitter": a random delay between half and all of the
    /// exponential value, so retries of many jobs that failed together spread out.
    public static func exponentialWithJitter(cap: Duration = .seconds(900)) -> Backoff {
        Backoff(kind: .exponentialJitter, millis: clampedMillis(cap))
    }

    /// `duration` in whole milliseconds, within ``EnvelopeBounds/duration``.
    private static func clampedMillis(_ duration: Duration) -> Int64 {
        min(max(0, duration.wholeMilliseconds), EnvelopeBounds.longestDurationMillis)
    }

    /// The delay before retry number `retry` (1 for the first retry).
    public func delay(forRetry retry: Int) -> Duration {
        .milliseconds(delayMillis(forRetry: retry))
    }

    func delayMillis(forRetry retry: Int) -> Int64 {
        switch kind {
        case .none:
            return 0
        case .fixed:
            return millis
        case .exponential:
            return Self.exponentialMillis(retry: retry, cap: millis)
        case .exponentialJitter:
            let full = Self.exponentialMillis(retry: retry, cap: millis)
            return full / 2 + Int64.random(in: 0...(full - full / 2))
        }
    }

    private static func exponentialMillis(retry: Int, cap: Int64) -> Int64 {
        let exponent = min(max(retry, 0), 40)
        let seconds = 2 + (Int64(1) << exponent)
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        return overflow ? cap : min(product, cap)
    }

    enum CodingKeys: String, CodingKey {
        case kind
        case millis = "ms"
    }
}
