import Deferrable

/// A runnable job read without taking it (see ``RedisBackendFactory/readyJobs(group:limit:)``).
public struct ReadyJob: Sendable {
    /// The job id.
    public var id: String
    /// The stored payload (empty if the job was taken between the two reads).
    public var payload: [UInt8]
    /// The payload decoded as an envelope, or `nil` when it is not a valid one.
    public var envelope: JobEnvelope? { try? EnvelopeCodec.decode(payload) }

    /// Creates a ready job.
    public init(id: String, payload: [UInt8]) {
        self.id = id
        self.payload = payload
    }
}

/// Read-only inspection of a group's queues, for tools and dashboards. Nothing here takes, leases or changes a job.
extension RedisBackendFactory {
    /// Up to `limit` runnable jobs of `group`, next to run first. Reads are not atomic with consumers: a job taken
    /// between the two reads is left out.
    public func readyJobs(group: String, limit: Int) async throws -> [ReadyJob] {
        try GroupName.validate(group)
        guard limit > 0 else { return [] }
        let keys = RedisKeys(prefix: settings.keyPrefix, group: group)
        // LPUSH in, RPOP out: the next job is the last element.
        let ids = (try await client.send(RedisCommand("LRANGE", keys.ready, String(-limit), "-1")).array ?? [])
            .compactMap(\.string).reversed()
        guard !ids.isEmpty else { return [] }
        let payloads = try await client.send(RedisCommand(["HMGET", keys.jobs] + ids)).array ?? []
        return zip(ids, payloads).compactMap { id, payload in
            payload.bytes.map { ReadyJob(id: id, payload: $0) }
        }
    }

    /// How long the next runnable job of `group` has been runnable (by Redis server time), `nil` if none is.
    ///
    /// A job is runnable from its `notBefore` time if it was delayed, else from its last push.
    public func oldestReadyJobAge(group: String) async throws -> Duration? {
        guard let next = try await readyJobs(group: group, limit: 1).first, let envelope = next.envelope else {
            return nil
        }
        let now = try await client.serverTimeMillis()
        let runnableSince = envelope.notBefore ?? envelope.lastPushedAt
        return .milliseconds(max(0, now - runnableSince))
    }

    /// Whether `group` was ever pushed to under this factory's key prefix.
    public func isKnownGroup(_ group: String) async throws -> Bool {
        try await client.send(RedisCommand("SISMEMBER", "\(settings.keyPrefix):groups", group)).int == 1
    }
}
