/// The counted state of one circuit and its transitions: the state machine every ``CircuitBreakerStore`` implements
/// (``MemoryCircuitBreakerStore`` runs this type; the Redis store runs the same rules in a script). Times are epoch
/// milliseconds of the store's clock.
public struct CircuitState: Sendable, Hashable {
    /// The phase.
    public private(set) var phase: CircuitPhase = .closed
    /// A hold set by hand.
    public private(set) var hold: CircuitHold?
    /// Changes at each transition; outcomes reported with a permit of another generation are not counted.
    public private(set) var generation: Int64 = 0
    /// Failures in a row.
    public private(set) var consecutiveFailures = 0
    /// For a window of calls: whether each of the last calls failed, oldest first.
    private var recentCalls: [Bool] = []
    /// For a window of seconds: (second, calls, failures) for the seconds that had calls, oldest first.
    private var buckets: [Bucket] = []
    /// Trips without a close in between.
    public private(set) var trips = 0
    /// When the circuit last opened.
    public private(set) var openedAt: Int64?
    /// When the open circuit may turn half-open.
    public private(set) var closesAt: Int64?
    /// Expiry times of the probes in flight.
    private var probes: [Int64] = []

    private struct Bucket: Sendable, Hashable {
        var second: Int64
        var calls: Int
        var failures: Int
    }

    /// A closed circuit with no counts.
    public init() {}

    /// Asks to make a call at `now`.
    public mutating func acquire(name: String, now: Int64, policy: CircuitBreakerPolicy) -> CircuitDecision {
        switch hold {
        case .open: return CircuitDecision(permit: nil, mayCloseAtMillis: nil, nowMillis: now, transition: nil)
        case .closed:
            return CircuitDecision(
                permit: CircuitPermit(kind: .unguarded, generation: generation), mayCloseAtMillis: nil, nowMillis: now, transition: nil)
        case nil: break
        }
        var transition: CircuitTransition?
        if phase == .open {
            let closes = closesAt ?? now
            guard now >= closes else {
                return CircuitDecision(permit: nil, mayCloseAtMillis: closes, nowMillis: now, transition: nil)
            }
            transition = move(to: .halfOpen, name: name, now: now)
        }
        if phase == .halfOpen {
            probes.removeAll { $0 <= now }
            guard probes.count < policy.halfOpenProbes else {
                let breakEnd = now.addingSaturated(policy.breakDuration.wholeMilliseconds)
                return CircuitDecision(
                    permit: nil, mayCloseAtMillis: min(probes.min() ?? breakEnd, breakEnd), nowMillis: now, transition: transition)
            }
            probes.append(now.addingSaturated(policy.probeTimeout.wholeMilliseconds))
            return CircuitDecision(
                permit: CircuitPermit(kind: .probe, generation: generation), mayCloseAtMillis: nil, nowMillis: now, transition: transition)
        }
        let reportsSuccess: Bool
        if case .consecutiveFailures = policy.trip { reportsSuccess = consecutiveFailures > 0 } else { reportsSuccess = true }
        return CircuitDecision(
            permit: CircuitPermit(kind: .call, generation: generation, reportsSuccess: reportsSuccess), mayCloseAtMillis: nil,
            nowMillis: now, transition: transition)
    }

    /// Reports the outcome of a call admitted with `permit`; returns the transition it caused, if any. An ignored
    /// outcome frees a probe's place and counts nothing.
    public mutating func record(
        name: String, permit: CircuitPermit, outcome: CircuitCallOutcome, now: Int64, policy: CircuitBreakerPolicy
    ) -> CircuitTransition? {
        guard hold == nil, permit.kind != .unguarded, permit.generation == generation else { return nil }
        let failed = outcome == .failure
        switch (phase, permit.kind) {
        case (.closed, .call) where outcome != .ignored:
            consecutiveFailures = failed ? consecutiveFailures.addingSaturated(1) : 0
            count(failed: failed, now: now, policy: policy)
            guard shouldTrip(policy) else { return nil }
            trips = 1
            return open(name: name, now: now, policy: policy)
        case (.halfOpen, .probe):
            if !probes.isEmpty { probes.removeFirst() }
            if outcome == .ignored { return nil }
            if failed {
                trips = trips.addingSaturated(1)
                return open(name: name, now: now, policy: policy)
            }
            trips = 0
            return move(to: .closed, name: name, now: now)
        default:
            return nil
        }
    }

    /// Applies a hand-made change; returns the transition of the counted phase it caused (a reset of an open
    /// circuit), if any.
    public mutating func apply(_ control: CircuitControl, name: String, now: Int64) -> CircuitTransition? {
        switch control {
        case .holdOpen: hold = .open
        case .holdClosed: hold = .closed
        case .release: hold = nil
        case .reset:
            hold = nil
            trips = 0
            if phase != .closed { return move(to: .closed, name: name, now: now) }
            clearCounts()
            generation = generation.addingSaturated(1)
        }
        return nil
    }

    /// The state as a snapshot at `now`.
    public func snapshot(name: String, now: Int64, policy: CircuitBreakerPolicy) -> CircuitSnapshot {
        let (calls, failures) = windowCounts(now: now, policy: policy)
        return CircuitSnapshot(
            name: name, phase: phase, hold: hold, consecutiveFailures: consecutiveFailures, windowCalls: calls,
            windowFailures: failures, trips: trips, openedAtMillis: openedAt, closesAtMillis: phase == .open ? closesAt : nil,
            probesInFlight: phase == .halfOpen ? probes.filter { $0 > now }.count : 0)
    }

    // MARK: - Internals

    private mutating func open(name: String, now: Int64, policy: CircuitBreakerPolicy) -> CircuitTransition {
        openedAt = now
        closesAt = now.addingSaturated(policy.breakMillis(afterTrips: trips))
        return move(to: .open, name: name, now: now)
    }

    private mutating func move(to next: CircuitPhase, name: String, now: Int64) -> CircuitTransition {
        let previous = phase
        phase = next
        generation = generation.addingSaturated(1)
        probes.removeAll()
        clearCounts()
        if next != .open { closesAt = nil }
        return CircuitTransition(breaker: name, from: previous, to: next, atMillis: now, closesAtMillis: next == .open ? closesAt : nil)
    }

    private mutating func clearCounts() {
        consecutiveFailures = 0
        recentCalls.removeAll()
        buckets.removeAll()
    }

    private mutating func count(failed: Bool, now: Int64, policy: CircuitBreakerPolicy) {
        guard case .failureRate(_, let window, _) = policy.trip else { return }
        switch window {
        case .calls(let n):
            recentCalls.append(failed)
            if recentCalls.count > n { recentCalls.removeFirst(recentCalls.count - n) }
        case .seconds(let n):
            let second = now / 1000
            buckets.removeAll { $0.second <= second - Int64(n) }
            if let last = buckets.indices.last, buckets[last].second == second {
                buckets[last].calls += 1
                if failed { buckets[last].failures += 1 }
            } else {
                buckets.append(Bucket(second: second, calls: 1, failures: failed ? 1 : 0))
            }
        }
    }

    private func windowCounts(now: Int64, policy: CircuitBreakerPolicy) -> (calls: Int, failures: Int) {
        guard case .failureRate(_, let window, _) = policy.trip else { return (0, 0) }
        switch window {
        case .calls(let n):
            let counted = recentCalls.suffix(n)
            return (counted.count, counted.filter { $0 }.count)
        case .seconds(let n):
            let oldest = now / 1000 - Int64(n)
            let counted = buckets.filter { $0.second > oldest }
            return (counted.reduce(0) { $0 + $1.calls }, counted.reduce(0) { $0 + $1.failures })
        }
    }

    private func shouldTrip(_ policy: CircuitBreakerPolicy) -> Bool {
        switch policy.trip {
        case .consecutiveFailures(let threshold):
            return consecutiveFailures >= threshold
        case .failureRate(let rate, _, let minimumCalls):
            let (calls, failures) = windowCountsForTrip(policy)
            return calls >= minimumCalls && Double(failures) >= rate * Double(calls)
        }
    }

    /// The window counts right after a call was counted (the current second is the newest bucket).
    private func windowCountsForTrip(_ policy: CircuitBreakerPolicy) -> (Int, Int) {
        guard case .failureRate(_, let window, _) = policy.trip else { return (0, 0) }
        switch window {
        case .calls: return (recentCalls.count, recentCalls.filter { $0 }.count)
        case .seconds: return (buckets.reduce(0) { $0 + $1.calls }, buckets.reduce(0) { $0 + $1.failures })
        }
    }
}
