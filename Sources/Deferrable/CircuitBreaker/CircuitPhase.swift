/// The state of a circuit.
public enum CircuitPhase: String, Sendable, Hashable, Codable, CaseIterable {
    /// Calls go through and their outcomes are counted.
    case closed
    /// Calls are rejected until the break ends.
    case open
    /// A bounded number of probe calls go through; a successful probe closes the circuit, a failed one re-opens it.
    case halfOpen
}

/// A state set by hand, which overrides the counts until released.
public enum CircuitHold: String, Sendable, Hashable, Codable {
    /// Every call is rejected.
    case open
    /// Every call goes through, uncounted.
    case closed
}

/// A change of a circuit's phase, reported by the process whose call caused it.
public struct CircuitTransition: Sendable, Hashable {
    /// The breaker's name.
    public let breaker: String
    /// The phase before.
    public let from: CircuitPhase
    /// The phase after.
    public let to: CircuitPhase
    /// When, in epoch milliseconds of the breaker's clock.
    public let atMillis: Int64
    /// When an open circuit may admit a call again (epoch milliseconds), for a transition to ``CircuitPhase/open``.
    public let closesAtMillis: Int64?

    /// Creates a transition.
    public init(breaker: String, from: CircuitPhase, to: CircuitPhase, atMillis: Int64, closesAtMillis: Int64?) {
        self.breaker = breaker
        self.from = from
        self.to = to
        self.atMillis = atMillis
        self.closesAtMillis = closesAtMillis
    }
}

/// A hand-made change of a circuit: hold it open or closed, release the hold, or reset it to closed with no counts.
public enum CircuitControl: String, Sendable, Hashable, CaseIterable {
    /// Reject every call until released.
    case holdOpen
    /// Let every call through, uncounted, until released.
    case holdClosed
    /// Remove a hold; the circuit carries on from its counted state.
    case release
    /// Remove any hold and start closed with no counts.
    case reset
}

/// How a call through a circuit ended, as counted.
public enum CircuitCallOutcome: String, Sendable, Hashable {
    /// It succeeded (and was not slower than the slow-call threshold).
    case success
    /// It failed, or succeeded slower than the slow-call threshold.
    case failure
    /// It ended with an error the breaker does not count (cancellation, by default): a probe's place is freed.
    case ignored
}
