/// What a store answered to a request for a call: go ahead (as a counted call or as a probe), or a rejection.
public struct CircuitDecision: Sendable, Hashable {
    /// The permit to report the call's outcome with, or `nil` when the call is rejected.
    public let permit: CircuitPermit?
    /// For a rejection: when the circuit may admit a call (epoch milliseconds), `nil` while held open.
    public let mayCloseAtMillis: Int64?
    /// The store's clock at the decision, in epoch milliseconds.
    public let nowMillis: Int64
    /// The transition this request caused (an open circuit whose break ended turns half-open), if any.
    public let transition: CircuitTransition?

    /// Creates a decision.
    public init(permit: CircuitPermit?, mayCloseAtMillis: Int64?, nowMillis: Int64, transition: CircuitTransition?) {
        self.permit = permit
        self.mayCloseAtMillis = mayCloseAtMillis
        self.nowMillis = nowMillis
        self.transition = transition
    }
}

/// Leave to make one call, returned with its outcome so the store counts it in the state it was given in.
public struct CircuitPermit: Sendable, Hashable {
    /// How the call was admitted.
    public enum Kind: String, Sendable, Hashable {
        /// A call of a closed circuit, counted.
        case call
        /// A probe of a half-open circuit.
        case probe
        /// A call let through uncounted: the circuit is held closed, or its store was unreachable and the breaker
        /// fails open.
        case unguarded
    }

    /// How the call was admitted.
    public let kind: Kind
    /// The circuit's generation when admitted (it changes at each transition): an outcome reported for an older
    /// generation is not counted.
    public let generation: Int64
    /// Whether a success needs reporting: `false` for a call of a closed circuit counted by failures in a row
    /// with none counted when admitted, whose success would change nothing (so a healthy circuit costs one store
    /// call per call, not two).
    public let reportsSuccess: Bool

    /// Creates a permit.
    public init(kind: Kind, generation: Int64, reportsSuccess: Bool = true) {
        self.kind = kind
        self.generation = generation
        self.reportsSuccess = reportsSuccess
    }
}

/// A circuit's state as read from its store (see ``CircuitBreaker/snapshot()``).
public struct CircuitSnapshot: Sendable, Hashable, Codable {
    /// The breaker's name.
    public let name: String
    /// The counted phase.
    public let phase: CircuitPhase
    /// A hold set by hand, which overrides ``phase`` until released.
    public let hold: CircuitHold?
    /// Failures in a row (consecutive-failures policies; counted for every policy).
    public let consecutiveFailures: Int
    /// Calls and failures in the current window (failure-rate policies), else 0.
    public let windowCalls: Int
    /// Failures among ``windowCalls``.
    public let windowFailures: Int
    /// Trips in a row without a close in between (the break grows with them).
    public let trips: Int
    /// When the circuit last opened, in epoch milliseconds.
    public let openedAtMillis: Int64?
    /// When an open circuit may turn half-open, in epoch milliseconds.
    public let closesAtMillis: Int64?
    /// Probes admitted and not reported yet (half-open).
    public let probesInFlight: Int

    /// Creates a snapshot.
    public init(
        name: String, phase: CircuitPhase, hold: CircuitHold?, consecutiveFailures: Int, windowCalls: Int, windowFailures: Int,
        trips: Int, openedAtMillis: Int64?, closesAtMillis: Int64?, probesInFlight: Int
    ) {
        self.name = name
        self.phase = phase
        self.hold = hold
        self.consecutiveFailures = consecutiveFailures
        self.windowCalls = windowCalls
        self.windowFailures = windowFailures
        self.trips = trips
        self.openedAtMillis = openedAtMillis
        self.closesAtMillis = closesAtMillis
        self.probesInFlight = probesInFlight
    }
}
