/// What a ``ShortTermPool`` does with a new item when its queue is full.
public enum PoolOverloadPolicy: Sendable, Hashable {
    /// The new item is refused: its caller gets ``PoolQueueFull`` at once and nothing runs.
    case reject
    /// The new item runs at once in its caller's task, outside the pool's concurrency bound (the caller pays with
    /// its own time, which slows down the producer that overloads the pool).
    case runInCaller
    /// The oldest waiting item leaves the queue (its fallback answers it, or its caller gets
    /// ``PoolItemDropped``) and the new item takes a place at the end.
    case dropOldest
}
