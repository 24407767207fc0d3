import Deferrable
import Synchronization

/// Circuits shared by every process on one Redis: each acquire and each record is one script call on the hash
/// `<prefix>:circuit:{<name>}`, timed by the server clock, so a trip seen by one process opens the circuit for all of
/// them on their next call. Names are listed in the set `<prefix>:circuits` (added once per name and process). A
/// circuit's hash expires a day after its last use.
///
/// When Redis cannot be reached the calls throw the ``RedisError``; the ``CircuitBreaker`` then fails open or closed
/// as configured.
public final class RedisCircuitBreakerStore: CircuitBreakerStore {
    private let client: RedisClient
    private let keyPrefix: String
    private let listed = Mutex<Set<String>>([])

    /// Creates a store on `client`, with keys under `keyPrefix`.
    public init(client: RedisClient, keyPrefix: String = "deferrable") {
        self.client = client
        self.keyPrefix = keyPrefix
    }

    /// Creates a store on the factory's client and key prefix.
    public convenience init(factory: RedisBackendFactory) {
        self.init(client: factory.client, keyPrefix: factory.settings.keyPrefix)
    }

    public func acquire(_ name: String, policy: CircuitBreakerPolicy) async throws -> CircuitDecision {
        try await list(name)
        let reply = try await run("acquire", name, policy)
        let now = try field(reply, 0)
        let generation = try field(reply, 5)
        let mayClose = try field(reply, 6)
        let kind = reply[4].string.flatMap(CircuitPermit.Kind.init(rawValue:))
        let reportsSuccess = reply.count > 7 ? reply[7].int != 0 : true
        return CircuitDecision(
            permit: kind.map { CircuitPermit(kind: $0, generation: generation, reportsSuccess: reportsSuccess) },
            mayCloseAtMillis: mayClose >= 0 ? mayClose : nil,
            nowMillis: now, transition: try transition(reply, name: name))
    }

    public func record(_ name: String, policy: CircuitBreakerPolicy, permit: CircuitPermit, outcome: CircuitCallOutcome)
        async throws -> CircuitTransition?
    {
        try transition(
            try await run("record", name, policy, [permit.kind.rawValue, String(permit.generation), outcome.rawValue]), name: name)
    }

    public func control(_ name: String, _ control: CircuitControl) async throws -> CircuitTransition? {
        try await list(name)
        // The policy does not matter to a hand-made change.
        return try transition(try await run("control", name, Self.anyPolicy, [control.rawValue]), name: name)
    }

    public func snapshot(_ name: String, policy: CircuitBreakerPolicy) async throws -> CircuitSnapshot {
        let reply = try await run("snapshot", name, policy)
        guard reply.count == 13, let phase = reply[4].string.flatMap(CircuitPhase.init(rawValue:)) else {
            throw RedisError.protocolError("circuit snapshot answered \(reply)")
        }
        let opened = try field(reply, 10)
        let closes = try field(reply, 11)
        return CircuitSnapshot(
            name: name, phase: phase, hold: reply[5].string.flatMap(CircuitHold.init(rawValue:)),
            consecutiveFailures: Int(try field(reply, 6)), windowCalls: Int(try field(reply, 7)), windowFailures: Int(try field(reply, 8)),
            trips: Int(try field(reply, 9)), openedAtMillis: opened >= 0 ? opened : nil, closesAtMillis: closes >= 0 ? closes : nil,
            probesInFlight: Int(try field(reply, 12)))
    }

    public func names() async throws -> [String] {
        let reply = try await client.send(RedisCommand("SMEMBERS", "\(keyPrefix):circuits"))
        return (reply.array ?? []).compactMap(\.string).sorted()
    }

    // MARK: - Internals

    private static let anyPolicy = try! CircuitBreakerPolicy()

    private func key(_ name: String) -> String { "\(keyPrefix):circuit:{\(name)}" }

    private func list(_ name: String) async throws {
        guard listed.withLock({ $0.insert(name).inserted }) else { return }
        do {
            _ = try await client.send(RedisCommand("SADD", "\(keyPrefix):circuits", name))
        } catch {
            _ = listed.withLock { $0.remove(name) }
            throw error
        }
    }

    private func run(_ operation: String, _ name: String, _ policy: CircuitBreakerPolicy, _ extra: [String] = []) async throws
        -> [RedisValue]
    {
        var arguments = [operation]
        switch policy.trip {
        case .consecutiveFailures(let count):
            arguments += ["consecutive", String(count), "", "0", "0"]
        case .failureRate(let rate, let window, let minimumCalls):
            switch window {
            case .calls(let n): arguments += ["rate", String(rate), "calls", String(n), String(minimumCalls)]
            case .seconds(let n): arguments += ["rate", String(rate), "seconds", String(n), String(minimumCalls)]
            }
        }
        arguments += [
            String(policy.breakDuration.wholeMilliseconds), String(policy.breakGrowth), String(policy.maxBreakDuration.wholeMilliseconds),
            String(policy.halfOpenProbes), String(policy.probeTimeout.wholeMilliseconds),
        ]
        let reply = try await client.evalScript(.circuitBreaker, keys: [key(name)], args: arguments + extra)
        guard let values = reply.array, values.count >= 4 else {
            throw RedisError.protocolError("circuit \(operation) answered \(reply)")
        }
        return values
    }

    private func field(_ reply: [RedisValue], _ index: Int) throws -> Int64 {
        guard index < reply.count, let value = reply[index].int else {
            throw RedisError.protocolError("circuit script reply \(reply) has no number at \(index)")
        }
        return value
    }

    private func transition(_ reply: [RedisValue], name: String) throws -> CircuitTransition? {
        guard let from = reply[1].string.flatMap(CircuitPhase.init(rawValue:)),
            let to = reply[2].string.flatMap(CircuitPhase.init(rawValue:))
        else { return nil }
        let closes = try field(reply, 3)
        let at = try field(reply, 0)
        // `acquire` has no closes-at field of its own: only a transition to open carries one.
        return CircuitTransition(breaker: name, from: from, to: to, atMillis: at, closesAtMillis: to == .open && closes >= 0 ? closes : nil)
    }
}
