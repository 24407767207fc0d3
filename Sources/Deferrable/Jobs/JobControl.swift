/// Thrown by a job body to end its run on purpose, whatever its retry policy says.
///
/// ```swift
/// throw JobControl.failNow("account closed")        // straight to the error queue
/// throw JobControl.discard("duplicate webhook")     // dropped, no error
/// throw JobControl.reschedule(after: .seconds(60))  // again later; does not use an attempt
/// ```
public struct JobControl: Error, Sendable, CustomStringConvertible {
    enum Action: Sendable, Equatable {
        case failNow(String)
        case discard(String)
        case reschedule(Duration)
    }

    let action: Action

    /// Send the job to the error queue now, with `reason` as the error message.
    public static func failNow(_ reason: String) -> JobControl {
        JobControl(action: .failNow(reason))
    }

    /// Drop the job without an error.
    public static func discard(_ reason: String = "discarded by the job") -> JobControl {
        JobControl(action: .discard(reason))
    }

    /// Run the job again after `delay` without using an attempt (e.g. while a downstream service is down).
    /// The TTL clock keeps running. A negative delay is zero; a delay longer than ``EnvelopeBounds/longestDuration``
    /// is that maximum.
    public static func reschedule(after delay: Duration) -> JobControl {
        JobControl(action: .reschedule(min(max(delay, .zero), EnvelopeBounds.longestDuration)))
    }

    public var description: String {
        switch action {
        case .failNow(let reason): "fail now: \(reason)"
        case .discard(let reason): "discard: \(reason)"
        case .reschedule(let delay): "reschedule after \(delay)"
        }
    }
}

/// The error a run fails with when it takes longer than its time limit. Name it in a job's
/// ``RetryPolicy`` to retry such runs.
public struct TimeLimitExceeded: Error, Sendable, CustomStringConvertible {
    /// The limit that was exceeded.
    public let limit: Duration

    /// Creates the error.
    public init(limit: Duration) {
        self.limit = limit
    }

    public var description: String {
        "the job ran longer than its time limit of \(limit)"
    }
}
