/// Where circuits keep their state: one process (``MemoryCircuitBreakerStore``) or every process on one server
/// (`RedisCircuitBreakerStore` in `DeferrableRedis`). Each call is one atomic step of ``CircuitState``'s rules,
/// timed by the store's own clock.
public protocol CircuitBreakerStore: Sendable {
    /// Asks to make a call through the circuit `name`.
    func acquire(_ name: String, policy: CircuitBreakerPolicy) async throws -> CircuitDecision
    /// Reports the outcome of a call admitted with `permit`; returns the transition it caused, if any.
    func record(_ name: String, policy: CircuitBreakerPolicy, permit: CircuitPermit, outcome: CircuitCallOutcome) async throws
        -> CircuitTransition?
    /// Applies a hand-made change; returns the transition it caused, if any.
    func control(_ name: String, _ control: CircuitControl) async throws -> CircuitTransition?
    /// The circuit's state now (a circuit never used reads as closed with no counts).
    func snapshot(_ name: String, policy: CircuitBreakerPolicy) async throws -> CircuitSnapshot
    /// The names of the circuits that have state in this store, sorted.
    func names() async throws -> [String]
}
