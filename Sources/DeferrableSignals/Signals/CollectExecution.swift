/// Where a collector runs its listeners.
public enum CollectExecution: Sendable {
    /// In the caller's task, one after another in priority order (with a deadline, in one task of its own, so that
    /// the caller is answered at the deadline).
    case inline
    /// On the pool, all of them at once within the pool's bound; they answer in the order they end.
    case pool(ShortTermPool)
    /// On the pool when more listeners than `threshold` are connected, inline otherwise.
    case poolAbove(threshold: Int, ShortTermPool)
}
