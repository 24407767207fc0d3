import Foundation

/// When a ``CircuitBreaker`` opens, how long it stays open and how many probe calls it admits before closing again.
///
/// Values are checked by ``init(trip:slowCallThreshold:breakDuration:breakGrowth:maxBreakDuration:halfOpenProbes:probeTimeout:)``,
/// which throws ``CircuitBreakerError/invalidPolicy(_:)`` for one out of range.
public struct CircuitBreakerPolicy: Sendable, Hashable {
    /// What opens a closed circuit.
    public enum Trip: Sendable, Hashable {
        /// This many failures in a row (a success resets the count): 1 to 1,000,000.
        case consecutiveFailures(Int)
        /// A failure rate (0 < rate ≤ 1) reached over `window`, once the window holds at least `minimumCalls` calls
        /// (1 to 1,000,000).
        case failureRate(Double, window: Window, minimumCalls: Int)
    }

    /// The calls a failure rate is computed over.
    public enum Window: Sendable, Hashable {
        /// The last `n` calls (1 to 10,000).
        case calls(Int)
        /// The calls of the current second of the breaker's clock and of the `n − 1` seconds before it (1 to 3,600):
        /// per-second buckets, as resilience4j counts a time window.
        case seconds(Int)
    }

    /// What opens the circuit: five failures in a row by default, as in the original design.
    public var trip: Trip
    /// A successful call that takes longer than this counts as a failure (`nil`: speed does not count).
    public var slowCallThreshold: Duration?
    /// How long the circuit stays open after its first trip: 30 s by default; 1 ms to 1 day.
    public var breakDuration: Duration
    /// Factor the break grows by each time a probe fails and the circuit re-opens (1 keeps it constant): 1 to 100.
    public var breakGrowth: Double
    /// The longest break, however often it grew: at least ``breakDuration``, at most 1 day.
    public var maxBreakDuration: Duration
    /// Probe calls admitted at once while half-open, across every process sharing the breaker: 1 to 1,000.
    public var halfOpenProbes: Int
    /// How long a probe may stay unreported before its place is given to another call (its process may have died):
    /// 1 ms to 1 day, 60 s by default.
    public var probeTimeout: Duration

    /// Creates a policy.
    ///
    /// - Throws: ``CircuitBreakerError/invalidPolicy(_:)`` when a value is out of range.
    public init(
        trip: Trip = .consecutiveFailures(5),
        slowCallThreshold: Duration? = nil,
        breakDuration: Duration = .seconds(30),
        breakGrowth: Double = 1,
        maxBreakDuration: Duration? = nil,
        halfOpenProbes: Int = 1,
        probeTimeout: Duration = .seconds(60)
    ) throws(CircuitBreakerError) {
        let day = Duration.seconds(86_400)
        switch trip {
        case .consecutiveFailures(let count):
            guard (1...1_000_000).contains(count) else { throw .invalidPolicy("consecutive failures \(count): 1 to 1,000,000") }
        case .failureRate(let rate, let window, let minimumCalls):
            guard rate > 0, rate <= 1 else { throw .invalidPolicy("failure rate \(rate): above 0, at most 1") }
            guard (1...1_000_000).contains(minimumCalls) else {
                throw .invalidPolicy("minimum calls \(minimumCalls): 1 to 1,000,000")
            }
            switch window {
            case .calls(let n):
                guard (1...10_000).contains(n) else { throw .invalidPolicy("window of \(n) calls: 1 to 10,000") }
            case .seconds(let n):
                guard (1...3_600).contains(n) else { throw .invalidPolicy("window of \(n) seconds: 1 to 3,600") }
            }
        }
        if let slowCallThreshold, slowCallThreshold <= .zero {
            throw .invalidPolicy("slow-call threshold \(slowCallThreshold): positive")
        }
        guard breakDuration >= .milliseconds(1), breakDuration <= day else {
            throw .invalidPolicy("break duration \(breakDuration): 1 ms to 1 day")
        }
        guard breakGrowth >= 1, breakGrowth <= 100 else { throw .invalidPolicy("break growth \(breakGrowth): 1 to 100") }
        let longest = maxBreakDuration ?? breakDuration
        guard longest >= breakDuration, longest <= day else {
            throw .invalidPolicy("longest break \(longest): from the break duration to 1 day")
        }
        guard (1...1_000).contains(halfOpenProbes) else { throw .invalidPolicy("half-open probes \(halfOpenProbes): 1 to 1,000") }
        guard probeTimeout >= .milliseconds(1), probeTimeout <= day else {
            throw .invalidPolicy("probe timeout \(probeTimeout): 1 ms to 1 day")
        }
        self.trip = trip
        self.slowCallThreshold = slowCallThreshold
        self.breakDuration = breakDuration
        self.breakGrowth = breakGrowth
        self.maxBreakDuration = longest
        self.halfOpenProbes = halfOpenProbes
        self.probeTimeout = probeTimeout
    }

    /// The break after `trips` consecutive trips (1 for the first): ``breakDuration`` × ``breakGrowth``^(trips − 1),
    /// at most ``maxBreakDuration``, in whole milliseconds.
    func breakMillis(afterTrips trips: Int) -> Int64 {
        let base = Double(breakDuration.wholeMilliseconds)
        let grown = base * Foundation.pow(breakGrowth, Double(max(0, min(trips - 1, 10_000))))
        return Int64(min(grown, Double(maxBreakDuration.wholeMilliseconds)).rounded(.down))
    }
}
