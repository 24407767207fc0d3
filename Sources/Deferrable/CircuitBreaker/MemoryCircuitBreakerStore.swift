import Synchronization

/// Circuits of one process, kept in memory and timed by a ``DeferrableClock`` (inject a ``ManualClock`` in tests).
public final class MemoryCircuitBreakerStore: CircuitBreakerStore {
    private let circuits = Mutex<[String: CircuitState]>([:])
    private let clock: any DeferrableClock

    /// Creates an empty store on `clock`.
    public init(clock: any DeferrableClock = SystemClock()) {
        self.clock = clock
    }

    public func acquire(_ name: String, policy: CircuitBreakerPolicy) async throws -> CircuitDecision {
        let now = clock.nowMillis()
        return circuits.withLock { $0[name, default: CircuitState()].acquire(name: name, now: now, policy: policy) }
    }

    public func record(_ name: String, policy: CircuitBreakerPolicy, permit: CircuitPermit, outcome: CircuitCallOutcome) async throws
        -> CircuitTransition?
    {
        let now = clock.nowMillis()
        return circuits.withLock {
            $0[name, default: CircuitState()].record(name: name, permit: permit, outcome: outcome, now: now, policy: policy)
        }
    }

    public func control(_ name: String, _ control: CircuitControl) async throws -> CircuitTransition? {
        let now = clock.nowMillis()
        return circuits.withLock { $0[name, default: CircuitState()].apply(control, name: name, now: now) }
    }

    public func snapshot(_ name: String, policy: CircuitBreakerPolicy) async throws -> CircuitSnapshot {
        let now = clock.nowMillis()
        return circuits.withLock { ($0[name] ?? CircuitState()).snapshot(name: name, now: now, policy: policy) }
    }

    public func names() async throws -> [String] {
        circuits.withLock { $0.keys.sorted() }
    }
}
