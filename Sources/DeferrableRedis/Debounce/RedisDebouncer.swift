import Deferrable

/// A debouncer whose decisions live in Redis, shared by every producer process.
///
/// When the job's backend is a Redis backend on the same client and key prefix, the decision, its record
/// and the push are one Lua script on Redis time: two producers racing can never both push. With any
/// other backend it takes two steps: the script decides and records, then the job is pushed (or postponed)
/// on that backend; if that push fails the record is rolled back (best effort), and between the two steps
/// another producer may join a copy that is not pushed yet.
public final class RedisDebouncer: Debouncer {
    private let client: RedisClient
    private let keyPrefix: String

    /// Creates a debouncer on `client`, with keys under `keyPrefix`.
    public init(client: RedisClient, keyPrefix: String = "deferrable") {
        self.client = client
        self.keyPrefix = keyPrefix
    }

    /// Creates a debouncer sharing the factory's client and key prefix (the one-script path).
    public convenience init(factory: RedisBackendFactory) {
        self.init(client: factory.client, keyPrefix: factory.settings.keyPrefix)
    }

    /// Decides in one Lua script (with the push when the backend is this Redis); see ``Debouncer/submit(_:to:)``.
    ///
    /// Throws ``DebouncerUnavailable`` when the script certainly did not run (Redis cannot be reached, or refused
    /// it); a lost reply (timeout, dropped connection) is thrown as the ``RedisError`` it is, since the script may
    /// have pushed the job.
    public func submit(_ request: DebounceRequest, to backend: any Backend) async throws -> DebounceDecision {
        try OutgoingJob.validate(id: request.job.id)
        let keys = RedisKeys(prefix: keyPrefix, group: backend.group)
        let redisQueue = (backend.queue as? RedisJobQueue).flatMap { $0.client === client && $0.keys.jobs == keys.jobs ? $0 : nil }
        let sameStore = redisQueue != nil
        redisQueue?.registerGroup()
        let maxWait: Int64
        if case .extend(let wait?) = request.mode { maxWait = wait.wholeMilliseconds } else { maxWait = -1 }
        let mode =
            switch request.mode {
            case .leading: "leading"
            case .alwaysDelay: "alwaysDelay"
            case .extend: "extend"
            }
        let reply = try await Self.unavailableUnlessRun {
            try await client.evalScript(
                .debounce,
                keys: [keys.debounce(request.key), keys.jobs, keys.ready, keys.delayed, keys.markers],
                binaryArgs: [
                    Array(mode.utf8), Array(String(request.window.wholeMilliseconds).utf8), Array(String(maxWait).utf8),
                    Array(request.job.id.utf8), request.job.payload, Array((sameStore ? "1" : "0").utf8),
                ], confirmed: true)
        }
        guard let fields = reply.array, fields.count == 4, let action = fields[0].string, let id = fields[1].string,
            let runnableAt = fields[2].int, let now = fields[3].int
        else { throw RedisError.protocolError("debounce script returned \(reply)") }
        let decision: DebounceDecision =
            switch action {
            case "now": .pushedNow(id: id, at: now)
            case "delayed": .pushedDelayed(id: id, runnableAt: runnableAt)
            case "extended": .extended(id: id, runnableAt: runnableAt)
            default: .joined(id: id, runnableAt: runnableAt)
            }
        if sameStore { return decision }
        return try await perform(decision, request: request, now: now, backend: backend, stateKey: keys.debounce(request.key))
    }

    /// Runs the decision script; an error after which the script certainly did not run (no connection, client
    /// closed, refused by Redis) becomes ``DebouncerUnavailable``, others (a lost reply) are thrown as they are.
    private static func unavailableUnlessRun(_ body: () async throws -> RedisValue) async throws -> RedisValue {
        do {
            return try await body()
        } catch let error as RedisError where !RedisQueueBatching.mayHaveRun(after: error) {
            throw DebouncerUnavailable(reason: error.description)
        }
    }

    /// The second step when the backend is not this Redis (``DebounceSecondStep``): a pushed copy is recorded in
    /// the state hash, and a failed step releases the record.
    private func perform(
        _ decision: DebounceDecision,
        request: DebounceRequest,
        now: Int64,
        backend: any Backend,
        stateKey: String
    ) async throws -> DebounceDecision {
        try await DebounceSecondStep.perform(
            decision, request: request, now: now, backend: backend,
            recordPushedID: { id in _ = try await client.send(RedisCommand("HSET", stateKey, "id", id)) },
            release: { id in _ = try? await client.evalScript(.releaseDebounce, keys: [stateKey], args: [id]) })
    }
}
