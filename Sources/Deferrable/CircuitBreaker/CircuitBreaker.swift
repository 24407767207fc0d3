import Logging
import Metrics
import Synchronization

/// Guards calls to something that can go down (a payment gateway, a partner API): after enough failures the
/// circuit opens and calls fail at once with ``CircuitOpen`` instead of waiting on a dead service; after the break a
/// bounded number of probe calls test it; a successful probe closes the circuit, a failed one re-opens it.
///
/// The state lives in a ``CircuitBreakerStore``: ``MemoryCircuitBreakerStore`` for one process, or the Redis store
/// every process on that Redis shares (a trip seen by one opens the circuit for all on their next call). Breakers
/// with the same name and store share one circuit.
///
/// ```swift
/// let gateway = try CircuitBreaker(name: "payments", policy: CircuitBreakerPolicy(trip: .consecutiveFailures(5)),
///                                  store: MemoryCircuitBreakerStore())
/// let receipt = try await gateway.run { try await charge(card) }
/// ```
///
/// A job can name a breaker in ``JobOptions/circuitBreaker``: its runs go through it, and while it is open the job
/// waits (rescheduled without using an attempt) instead of running.
///
/// Each transition is logged once (by the process whose call caused it) and counted in swift-metrics:
/// `deferrable_circuit_transitions_total` (dimensions `breaker`, `to`), `deferrable_circuit_rejected_total`
/// (`breaker`) and the gauge `deferrable_circuit_state` (`breaker`; 0 closed, 1 half-open, 2 open), set at each call.
public final class CircuitBreaker: Sendable {
    /// What a breaker does when its store cannot be reached.
    public enum StoreUnreachable: Sendable, Hashable {
        /// Let the call through, uncounted (the default: a broken breaker store does not stop the work).
        case failOpen
        /// Reject the call with ``CircuitOpen`` whose ``CircuitOpen/retryAfter`` is the given duration.
        case failClosed(retryAfter: Duration)
    }

    /// The circuit's name (shared by every breaker of that name on the same store).
    public let name: String
    /// When the circuit opens and for how long.
    public let policy: CircuitBreakerPolicy
    /// Which errors count as failures.
    public let failures: CircuitFailurePolicy
    /// What happens when the store cannot be reached.
    public let whenStoreUnreachable: StoreUnreachable

    private let store: any CircuitBreakerStore
    private let logger: Logger
    private let onTransition: (@Sendable (CircuitTransition) -> Void)?
    private let storeIsDown = Atomic<Bool>(false)
    private let stateGauge: Gauge
    private let rejections: Counter
    private let metrics: any MetricsFactory

    /// Creates a breaker.
    ///
    /// - Parameters:
    ///   - name: 1 to 200 of letters, digits, `.`, `_`, `-`, `:`.
    ///   - metrics: where the metrics go; `nil` (the default) uses the bootstrapped `MetricsSystem.factory`.
    ///   - onTransition: called with each transition this process's calls cause (after it is stored).
    /// - Throws: ``CircuitBreakerError/invalidName(_:)``.
    public init(
        name: String,
        policy: CircuitBreakerPolicy,
        store: any CircuitBreakerStore,
        failures: CircuitFailurePolicy = .allErrors,
        whenStoreUnreachable: StoreUnreachable = .failOpen,
        logger: Logger = Logger(label: "deferrable.circuit"),
        metrics: (any MetricsFactory)? = nil,
        onTransition: (@Sendable (CircuitTransition) -> Void)? = nil
    ) throws(CircuitBreakerError) {
        guard Self.isValidName(name) else { throw .invalidName(name) }
        self.name = name
        self.policy = policy
        self.store = store
        self.failures = failures
        self.whenStoreUnreachable = whenStoreUnreachable
        self.logger = logger
        self.onTransition = onTransition
        let metrics = metrics ?? MetricsSystem.factory
        self.metrics = metrics
        stateGauge = Gauge(label: "deferrable_circuit_state", dimensions: [("breaker", name)], factory: metrics)
        rejections = Counter(label: "deferrable_circuit_rejected_total", dimensions: [("breaker", name)], factory: metrics)
    }

    /// Runs `body` through the circuit: while it is open, throws ``CircuitOpen`` without calling `body`; otherwise
    /// calls it and counts its outcome (its errors, as ``failures`` says, and a success slower than the policy's
    /// slow-call threshold count as failures). `body`'s value and errors are passed on unchanged.
    public func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let permit = try await acquire()
        let started = ContinuousClock.now
        do {
            let value = try await body()
            await record(permit, outcome: outcome(ranFor: started.duration(to: .now)))
            return value
        } catch {
            await record(permit, outcome: failures.countsAsFailure(error) ? .failure : .ignored)
            throw error
        }
    }

    /// Asks for leave to make one call; report its end with ``record(_:outcome:)``.
    ///
    /// - Throws: ``CircuitOpen`` while the circuit is open (or held open, or every half-open probe place is taken, or
    ///   the store is unreachable and the breaker fails closed).
    public func acquire() async throws(CircuitOpen) -> CircuitPermit {
        let decision: CircuitDecision
        do {
            decision = try await store.acquire(name, policy: policy)
            noteStoreReachable()
        } catch {
            noteStoreUnreachable(error)
            switch whenStoreUnreachable {
            case .failOpen:
                return CircuitPermit(kind: .unguarded, generation: -1)
            case .failClosed(let retryAfter):
                rejections.increment()
                throw CircuitOpen(breaker: name, mayCloseAtMillis: nil, retryAfter: retryAfter)
            }
        }
        if let transition = decision.transition { announce(transition) }
        guard let permit = decision.permit else {
            rejections.increment()
            stateGauge.record(2)
            throw CircuitOpen(
                breaker: name, mayCloseAtMillis: decision.mayCloseAtMillis,
                retryAfter: decision.mayCloseAtMillis.map { .milliseconds(max(0, $0.subtractingSaturated(decision.nowMillis))) })
        }
        stateGauge.record(permit.kind == .probe ? 1 : 0)
        return permit
    }

    /// Reports how a call admitted by ``acquire()`` ended. A success that would change nothing is not sent (see
    /// ``CircuitPermit/reportsSuccess``). A store failure here is logged, not thrown: the call's own outcome stands.
    public func record(_ permit: CircuitPermit, outcome: CircuitCallOutcome) async {
        guard permit.kind != .unguarded, outcome != .success || permit.reportsSuccess else { return }
        do {
            if let transition = try await store.record(name, policy: policy, permit: permit, outcome: outcome) {
                announce(transition)
            }
            noteStoreReachable()
        } catch {
            noteStoreUnreachable(error)
        }
    }

    /// How a successful call that ran for `duration` counts: a failure when slower than the slow-call threshold.
    public func outcome(ranFor duration: Duration) -> CircuitCallOutcome {
        guard let threshold = policy.slowCallThreshold, duration > threshold else { return .success }
        return .failure
    }

    /// Holds the circuit open or closed, releases the hold, or resets it (every process sharing the store sees it).
    public func apply(_ control: CircuitControl) async throws {
        if let transition = try await store.control(name, control) { announce(transition) }
        logger.notice("circuit changed by hand", metadata: ["circuit.name": "\(name)", "circuit.control": "\(control.rawValue)"])
    }

    /// The circuit's state as its store holds it now.
    public func snapshot() async throws -> CircuitSnapshot {
        try await store.snapshot(name, policy: policy)
    }

    // MARK: - Internals

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 200
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".-_:".unicodeScalars.contains($0))
            }
    }

    private func announce(_ transition: CircuitTransition) {
        Counter(
            label: "deferrable_circuit_transitions_total", dimensions: [("breaker", name), ("to", transition.to.rawValue)],
            factory: metrics
        ).increment()
        stateGauge.record(Self.gaugeValue(transition.to))
        var metadata: Logger.Metadata = [
            "circuit.name": "\(name)", "circuit.from": "\(transition.from.rawValue)", "circuit.to": "\(transition.to.rawValue)",
        ]
        if let closes = transition.closesAtMillis { metadata["circuit.closes_at_ms"] = "\(closes)" }
        if transition.to == .open {
            logger.warning("circuit opened", metadata: metadata)
        } else {
            logger.info("circuit \(transition.to == .closed ? "closed" : "half-open")", metadata: metadata)
        }
        onTransition?(transition)
    }

    private static func gaugeValue(_ phase: CircuitPhase) -> Int {
        switch phase {
        case .closed: 0
        case .halfOpen: 1
        case .open: 2
        }
    }

    private func noteStoreUnreachable(_ error: any Error) {
        guard !storeIsDown.exchange(true, ordering: .relaxed) else { return }
        logger.error(
            "circuit breaker store unreachable; calls \(whenStoreUnreachable == .failOpen ? "go through uncounted" : "are rejected")",
            metadata: ["circuit.name": "\(name)", "error": "\(error)"])
    }

    private func noteStoreReachable() {
        guard storeIsDown.exchange(false, ordering: .relaxed) else { return }
        logger.notice("circuit breaker store reachable again", metadata: ["circuit.name": "\(name)"])
    }
}
