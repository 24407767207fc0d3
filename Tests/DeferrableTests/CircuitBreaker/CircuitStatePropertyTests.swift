import Deferrable
import Testing

/// ``CircuitState`` under random sequences of acquires, reports and clock steps, checked against a model of what
/// the rules allow.
@Suite("Circuit state machine: random sequences")
struct CircuitStatePropertyTests {
    /// A reproducible generator (SplitMix64).
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let policies: [CircuitBreakerPolicy] = [
        try! CircuitBreakerPolicy(
            trip: .consecutiveFailures(3), breakDuration: .milliseconds(500), halfOpenProbes: 2, probeTimeout: .seconds(2)),
        try! CircuitBreakerPolicy(
            trip: .failureRate(0.5, window: .calls(6), minimumCalls: 4), breakDuration: .milliseconds(300), breakGrowth: 2,
            maxBreakDuration: .seconds(2), halfOpenProbes: 1, probeTimeout: .milliseconds(700)),
        try! CircuitBreakerPolicy(
            trip: .failureRate(0.4, window: .seconds(3), minimumCalls: 3), breakDuration: .seconds(1), halfOpenProbes: 3,
            probeTimeout: .seconds(1)),
    ]

    @Test(
        "probes never exceed the admitted number, a circuit closes only after a successful probe, breaks are honoured, windows count exactly",
        arguments: 0..<3, [UInt64(1), 7, 42, 1234, 99_999])
    func invariants(policyIndex: Int, seed: UInt64) {
        let policy = Self.policies[policyIndex]
        var random = Generator(state: seed)
        var state = CircuitState()
        var now: Int64 = 1_700_000_000_000
        var permits: [CircuitPermit] = []
        // The model: the calls counted since the last transition, as (time, failed).
        var counted: [(Int64, Bool)] = []
        var consecutive = 0
        var seen: [CircuitPhase: Int] = [:]
        for _ in 0..<3000 {
            switch Int.random(in: 0..<10, using: &random) {
            case 0...3:
                let before = state.phase
                let probesBefore = state.snapshot(name: "p", now: now, policy: policy).probesInFlight
                let decision = state.acquire(name: "p", now: now, policy: policy)
                if before == .open, let closes = state.snapshot(name: "p", now: now, policy: policy).closesAtMillis {
                    #expect(decision.permit == nil && now < closes, "admitted before the break ended")
                }
                if let transition = decision.transition {
                    #expect(transition.from == .open && transition.to == .halfOpen)
                    counted.removeAll()
                    consecutive = 0
                }
                if let permit = decision.permit {
                    permits.append(permit)
                    if permit.kind == .probe { #expect(state.phase == .halfOpen) }
                } else {
                    #expect(decision.mayCloseAtMillis != nil)
                }
                let snapshot = state.snapshot(name: "p", now: now, policy: policy)
                #expect(snapshot.probesInFlight <= policy.halfOpenProbes)
                if decision.permit?.kind == .probe, decision.transition == nil {
                    #expect(snapshot.probesInFlight <= probesBefore + 1)
                }
            case 4...7:
                guard !permits.isEmpty else { continue }
                let permit = permits.remove(at: Int.random(in: 0..<permits.count, using: &random))
                let outcome: CircuitCallOutcome = [.success, .failure, .failure, .ignored].randomElement(using: &random)!
                let phaseBefore = state.phase
                let generationBefore = state.generation
                let transition = state.record(name: "p", permit: permit, outcome: outcome, now: now, policy: policy)
                let current = permit.generation == generationBefore
                if current, phaseBefore == .closed, permit.kind == .call, outcome != .ignored {
                    counted.append((now, outcome == .failure))
                    consecutive = outcome == .failure ? consecutive + 1 : 0
                }
                if let transition {
                    seen[transition.to, default: 0] += 1
                    #expect(current, "a stale permit changed the state")
                    switch transition.to {
                    case .closed:
                        #expect(transition.from == .halfOpen && permit.kind == .probe && outcome == .success)
                    case .open:
                        // From closed, whatever call completes a window at the threshold trips it (a success too).
                        if transition.from == .halfOpen { #expect(outcome == .failure && permit.kind == .probe) }
                        if transition.from == .closed { #expect(Self.trips(policy, counted: counted, consecutive: consecutive, now: now)) }
                        let snapshot = state.snapshot(name: "p", now: now, policy: policy)
                        #expect(snapshot.closesAtMillis == now + policy.breakMillisForTest(trips: snapshot.trips))
                    case .halfOpen:
                        Issue.record("a report turned the circuit half-open")
                    }
                    counted.removeAll()
                    consecutive = 0
                } else if current, phaseBefore == .closed, permit.kind == .call {
                    #expect(!Self.trips(policy, counted: counted, consecutive: consecutive, now: now), "should have tripped")
                }
                if state.phase == .closed {
                    let snapshot = state.snapshot(name: "p", now: now, policy: policy)
                    let (calls, failures) = Self.window(policy, counted: counted, now: now)
                    #expect(snapshot.windowCalls == calls && snapshot.windowFailures == failures)
                    #expect(snapshot.consecutiveFailures == consecutive)
                }
            default:
                now += Int64.random(in: 0...400, using: &random)
            }
        }
        // The sequence went through both kinds of transition, so the checks above ran.
        #expect(seen[.open, default: 0] > 2 && seen[.closed, default: 0] > 2, "transitions seen: \(seen)")
    }

    private static func window(_ policy: CircuitBreakerPolicy, counted: [(Int64, Bool)], now: Int64) -> (Int, Int) {
        guard case .failureRate(_, let window, _) = policy.trip else { return (0, 0) }
        let inWindow: [(Int64, Bool)]
        switch window {
        case .calls(let n): inWindow = Array(counted.suffix(n))
        case .seconds(let n): inWindow = counted.filter { $0.0 / 1000 > now / 1000 - Int64(n) }
        }
        return (inWindow.count, inWindow.filter(\.1).count)
    }

    private static func trips(_ policy: CircuitBreakerPolicy, counted: [(Int64, Bool)], consecutive: Int, now: Int64) -> Bool {
        switch policy.trip {
        case .consecutiveFailures(let n): return consecutive >= n
        case .failureRate(let rate, _, let minimumCalls):
            let (calls, failures) = window(policy, counted: counted, now: now)
            return calls >= minimumCalls && Double(failures) >= rate * Double(calls)
        }
    }
}

extension CircuitBreakerPolicy {
    /// The break after `trips` trips, computed independently of the library's formula.
    fileprivate func breakMillisForTest(trips: Int) -> Int64 {
        func millis(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        }
        var value = millis(breakDuration)
        for _ in 1..<max(trips, 1) { value *= breakGrowth }
        return Int64(min(value, millis(maxBreakDuration)))
    }
}
