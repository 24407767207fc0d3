/// What a ``ShortTermPool`` is doing now, for dashboards and external autoscalers.
public struct ShortTermPoolStatus: Sendable, Hashable {
    /// Items that may run at once now (between the configured concurrency and its maximum).
    public let concurrency: Int
    /// Items running now (items run in their callers by ``PoolOverloadPolicy/runInCaller`` are not counted).
    public let running: Int
    /// Items waiting for a slot.
    public let queued: Int
    /// The risk measured in the last scaling interval: the 95th percentile of queue waits as a fraction of the
    /// pickup deadline, 1 when an item expired (``PoolScaling``).
    public let risk: Double

    /// Creates a status (the pool makes them; tests of an autoscaler may too).
    public init(concurrency: Int, running: Int, queued: Int, risk: Double) {
        self.concurrency = concurrency
        self.running = running
        self.queued = queued
        self.risk = risk
    }
}
