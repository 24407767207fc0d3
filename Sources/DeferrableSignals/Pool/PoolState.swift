import DequeModule

/// The bookkeeping of a ``ShortTermPool``, changed only under its lock: slots, waiters, time limits of running
/// items, the watchdog's wake time and the scaling measure. Methods return what must happen outside the lock.
struct PoolState {
    /// A running item's time limit.
    struct Limit {
        let deadline: Duration
        let onTimeout: @Sendable () -> Void
    }

    /// The risk measured at the end of a scaling interval, and the concurrency before and after it.
    struct Measured {
        let from: Int
        let to: Int
        let risk: Double
    }

    let configuration: ShortTermPool.Configuration
    private(set) var concurrency: Int
    private(set) var running = 0
    private(set) var waiters = Deque<PoolWaiter>()
    private var limits: [UInt64: Limit] = [:]
    private var nextID: UInt64 = 0
    /// When the current watchdog wakes, and its generation (a newer watchdog retires the older ones).
    private var watchdogWake: Duration?
    private(set) var watchdogGeneration: UInt64 = 0
    private var waits = WaitSamples()
    private var expiredInInterval = false
    private var intervalStart: Duration
    private(set) var risk: Double = 0

    init(configuration: ShortTermPool.Configuration, now: Duration) {
        self.configuration = configuration
        concurrency = configuration.concurrency
        intervalStart = now
    }

    var queued: Int { waiters.count }

    mutating func makeID() -> UInt64 {
        nextID &+= 1
        return nextID
    }

    // MARK: Admission

    /// What happens to an item submitted now: a slot at once, a place in the queue (`nil`), or the overload policy.
    /// With ``PoolOverloadPolicy/dropOldest`` the dropped waiter is returned to be resumed.
    /// A slot at once, or an expiry at once, without touching the queue; `nil` when the item must queue (or meet
    /// the overload policy).
    mutating func admitAtOnce(submitted: Duration, deadline: Duration, now: Duration) -> PoolAdmission? {
        if now >= deadline {
            expiredInInterval = true
            return .expired(waited: now - submitted)
        }
        guard running < concurrency && waiters.isEmpty else { return nil }
        running += 1
        waits.record(now - submitted)
        return .admitted(waited: now - submitted)
    }

    mutating func enter(submitted: Duration, deadline: Duration, now: Duration) -> (PoolAdmission?, PoolResumption?) {
        if let admission = admitAtOnce(submitted: submitted, deadline: deadline, now: now) { return (admission, nil) }
        guard waiters.count >= configuration.queueCapacity else { return (nil, nil) }
        switch configuration.overload {
        case .reject:
            return (.rejected, nil)
        case .runInCaller:
            return (.runInCaller, nil)
        case .dropOldest:
            guard let oldest = waiters.popFirst() else { return (.rejected, nil) }
            return (nil, PoolResumption(continuation: oldest.continuation, admission: .dropped(waited: now - oldest.submitted)))
        }
    }

    mutating func enqueue(_ waiter: PoolWaiter) {
        waiters.append(waiter)
    }

    /// Removes a waiter whose caller was cancelled; `nil` when it is no longer waiting.
    mutating func removeWaiter(id: UInt64) -> PoolWaiter? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: index)
    }

    /// A slot is free again: the waiters it lets in (or that expired meanwhile).
    mutating func release(now: Duration) -> [PoolResumption] {
        running -= 1
        return admitWaiting(now: now)
    }

    private mutating func admitWaiting(now: Duration) -> [PoolResumption] {
        var resumptions: [PoolResumption] = []
        while running < concurrency, let waiter = waiters.popFirst() {
            let waited = now - waiter.submitted
            if now >= waiter.deadline {
                expiredInInterval = true
                resumptions.append(PoolResumption(continuation: waiter.continuation, admission: .expired(waited: waited)))
                continue
            }
            running += 1
            waits.record(waited)
            resumptions.append(PoolResumption(continuation: waiter.continuation, admission: .admitted(waited: waited)))
        }
        return resumptions
    }

    // MARK: Time limits and the watchdog

    /// Starts watching a running item's time limit: the generation of a watchdog to start, if none wakes early
    /// enough.
    mutating func watch(id: UInt64, limit: Limit) -> UInt64? {
        limits[id] = limit
        return arm(limit.deadline)
    }

    mutating func unwatch(id: UInt64) {
        limits.removeValue(forKey: id)
    }

    /// A waiter's deadline: the generation of a watchdog to start, if none wakes early enough.
    mutating func arm(_ deadline: Duration) -> UInt64? {
        if let wake = watchdogWake, wake <= deadline { return nil }
        watchdogWake = deadline
        watchdogGeneration &+= 1
        return watchdogGeneration
    }

    /// The watchdog of `generation` woke at `now`: the waiters that expired, the running items that ran out of
    /// time, and when it should wake next (`nil`: it ends, because nothing is due or a newer watchdog took over).
    mutating func due(generation: UInt64, now: Duration) -> (
        expired: [PoolResumption], timedOut: [@Sendable () -> Void], next: Duration?
    ) {
        guard generation == watchdogGeneration else { return ([], [], nil) }
        var expired: [PoolResumption] = []
        var kept = Deque<PoolWaiter>()
        for waiter in waiters {
            if now >= waiter.deadline {
                expired.append(PoolResumption(continuation: waiter.continuation, admission: .expired(waited: now - waiter.submitted)))
            } else {
                kept.append(waiter)
            }
        }
        if !expired.isEmpty {
            expiredInInterval = true
            waiters = kept
        }
        var timedOut: [@Sendable () -> Void] = []
        for (id, limit) in limits where now >= limit.deadline {
            timedOut.append(limit.onTimeout)
            limits.removeValue(forKey: id)
        }
        let next = [waiters.map(\.deadline).min(), limits.values.map(\.deadline).min()].compactMap(\.self).min()
        watchdogWake = next
        return (expired, timedOut, next)
    }

    // MARK: Scaling

    /// Once per scaling interval: measures the risk and changes the concurrency by at most one. Returns the
    /// measure (`nil` within an interval) and the waiters a new slot lets in.
    mutating func rescale(now: Duration) -> (Measured?, [PoolResumption]) {
        guard now - intervalStart >= configuration.scaling.interval else { return (nil, []) }
        intervalStart = now
        let p95 = waits.p95
        risk = expiredInInterval ? 1 : min(1, p95 / configuration.pickupDeadline)
        waits.reset()
        expiredInInterval = false
        let from = concurrency
        if risk > configuration.scaling.growAbove, concurrency < (configuration.maxConcurrency ?? concurrency) {
            concurrency += 1
        } else if risk < configuration.scaling.shrinkBelow, concurrency > configuration.concurrency, waiters.isEmpty {
            concurrency -= 1
        }
        let measured = Measured(from: from, to: concurrency, risk: risk)
        return (measured, concurrency > from ? admitWaiting(now: now) : [])
    }
}
