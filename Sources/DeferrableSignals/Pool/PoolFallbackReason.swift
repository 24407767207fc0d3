/// Why an item of a ``ShortTermPool`` ended without a result of its own, passed to its fallback.
public enum PoolFallbackReason: Sendable, Hashable, CustomStringConvertible {
    /// No slot was free before the item's pickup deadline: it never started.
    case expired(waited: Duration)
    /// The queue was full and the item, the oldest waiting, made room for a new one (``PoolOverloadPolicy/dropOldest``).
    case dropped(waited: Duration)
    /// The item ran longer than its time limit and was cancelled.
    case timedOut(limit: Duration)

    public var description: String {
        switch self {
        case .expired(let waited): "not picked up before its deadline (waited \(waited))"
        case .dropped(let waited): "dropped from a full queue (waited \(waited))"
        case .timedOut(let limit): "ran longer than its time limit of \(limit)"
        }
    }
}
