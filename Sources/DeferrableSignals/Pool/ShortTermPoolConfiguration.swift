extension ShortTermPool {
    /// How many items a pool runs at once, how many wait, and how long each may wait and run.
    public struct Configuration: Sendable, Hashable {
        /// Items run at once while the pool is calm (at least 1).
        public var concurrency: Int
        /// The most items the pool may run at once when items are at risk of expiring; `nil` keeps
        /// ``concurrency`` fixed.
        public var maxConcurrency: Int?
        /// Items that may wait for a slot (0 or more); a new item beyond it meets the ``overload`` policy.
        public var queueCapacity: Int
        /// What happens to a new item when the queue is full.
        public var overload: PoolOverloadPolicy
        /// How long an item may run before it is cancelled and ends with ``PoolFallbackReason/timedOut(limit:)``
        /// (its fallback answers, or its caller gets `TimeLimitExceeded`); `nil` for no limit.
        public var timeLimit: Duration?
        /// How long after its submission an item may still start; an item not started by then never runs.
        public var pickupDeadline: Duration
        /// A run longer than this is logged as slow (once, with its wait and run time) and counted; `nil` logs none.
        public var slowThreshold: Duration?
        /// When the pool grows and shrinks between ``concurrency`` and ``maxConcurrency``.
        public var scaling: PoolScaling

        /// Creates a configuration; the defaults suit work inside a request of about a minute: 15 s per item, 45 s
        /// to be picked up, slow above 5 s.
        public init(
            concurrency: Int = 8, maxConcurrency: Int? = nil, queueCapacity: Int = 1_000, overload: PoolOverloadPolicy = .reject,
            timeLimit: Duration? = .seconds(15), pickupDeadline: Duration = .seconds(45), slowThreshold: Duration? = .seconds(5),
            scaling: PoolScaling = PoolScaling()
        ) {
            self.concurrency = concurrency
            self.maxConcurrency = maxConcurrency
            self.queueCapacity = queueCapacity
            self.overload = overload
            self.timeLimit = timeLimit
            self.pickupDeadline = pickupDeadline
            self.slowThreshold = slowThreshold
            self.scaling = scaling
        }

        /// The longest duration a setting may have (a day), so that deadlines computed from it cannot overflow.
        static let longest = Duration.seconds(86_400)

        /// The first setting that cannot work, if any.
        func problem() -> String? {
            if concurrency < 1 { return "concurrency must be at least 1 (got \(concurrency))" }
            if let maxConcurrency, maxConcurrency < concurrency {
                return "maxConcurrency (\(maxConcurrency)) must not be below concurrency (\(concurrency))"
            }
            if queueCapacity < 0 { return "queueCapacity must not be negative (got \(queueCapacity))" }
            let durations: [(String, Duration?)] = [
                ("timeLimit", timeLimit), ("pickupDeadline", pickupDeadline), ("slowThreshold", slowThreshold),
                ("scaling.interval", scaling.interval),
            ]
            for (name, value) in durations {
                if let value, value <= .zero || value > Self.longest {
                    return "\(name) must be above zero and at most a day (got \(value))"
                }
            }
            if !(0...1).contains(scaling.shrinkBelow) || !(0...1).contains(scaling.growAbove) || scaling.shrinkBelow >= scaling.growAbove {
                return "scaling needs 0 ≤ shrinkBelow < growAbove ≤ 1 (got \(scaling.shrinkBelow) and \(scaling.growAbove))"
            }
            return nil
        }
    }
}

/// When a ``ShortTermPool`` with a ``ShortTermPool/Configuration/maxConcurrency`` changes its concurrency.
///
/// The pool's *risk* is the 95th percentile of the queue waits of the items started in the last interval, as a
/// fraction of the pickup deadline (1 when an item expired in it). Once per interval the pool adds a slot when the
/// risk is above ``growAbove`` (up to the maximum) and removes one when it is below ``shrinkBelow`` and nothing
/// waits (down to the base concurrency).
public struct PoolScaling: Sendable, Hashable {
    /// The risk above which a slot is added.
    public var growAbove: Double
    /// The risk below which a slot is removed.
    public var shrinkBelow: Double
    /// How often the risk is measured and the concurrency changed by at most one.
    public var interval: Duration

    /// Creates the scaling rule: grow above a quarter of the pickup deadline, shrink below a twentieth, once a second.
    public init(growAbove: Double = 0.25, shrinkBelow: Double = 0.05, interval: Duration = .seconds(1)) {
        self.growAbove = growAbove
        self.shrinkBelow = shrinkBelow
        self.interval = interval
    }
}
