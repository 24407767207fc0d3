import Deferrable

/// An item was not started before its pickup deadline and had no fallback.
public struct PoolPickupExpired: Error, Sendable, Hashable, CustomStringConvertible {
    /// The pool's name.
    public let pool: String
    /// How long the item waited.
    public let waited: Duration
    /// The pickup deadline it missed, counted from its submission.
    public let deadline: Duration

    public var description: String {
        "pool \(pool): the item was not picked up within its deadline of \(deadline) (waited \(waited))"
    }
}

/// The pool's queue was full and its overload policy is ``PoolOverloadPolicy/reject``: the item was not queued.
public struct PoolQueueFull: Error, Sendable, Hashable, CustomStringConvertible {
    /// The pool's name.
    public let pool: String
    /// The queue's capacity.
    public let capacity: Int

    public var description: String { "pool \(pool): the queue is full (\(capacity) items wait)" }
}

/// The item waited in a full queue and made room for a newer one (``PoolOverloadPolicy/dropOldest``), and had no
/// fallback.
public struct PoolItemDropped: Error, Sendable, Hashable, CustomStringConvertible {
    /// The pool's name.
    public let pool: String
    /// How long the item waited.
    public let waited: Duration

    public var description: String { "pool \(pool): the item was dropped from a full queue after waiting \(waited)" }
}

/// A ``ShortTermPool/Configuration`` that cannot work, with the reason.
public struct InvalidPoolConfiguration: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public let reason: String

    public var description: String { "invalid short-term pool configuration: \(reason)" }
}
