/// Why a collection ended.
public enum CollectionEnd: String, Sendable, Hashable, CaseIterable {
    /// Its completeness was reached.
    case complete
    /// Its deadline passed first: what arrived until then is returned.
    case deadlinePassed = "deadline_passed"
    /// Every listener ended without reaching the completeness (too many failed).
    case listenersExhausted = "listeners_exhausted"
    /// An error stopped it (``SignalErrorPolicy/stopAtFirstFailure``).
    case stoppedByFailure = "stopped_by_failure"
}
