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
    /// between the reads is left out. An element of the ready list without a readable id (a foreign producer's
    /// mistake) is listed with an empty id; the next pop sends it to the error queue.
    public func readyJobs(group: String, limit: Int) async throws -> [ReadyJob] {
        try GroupName.validate(group)
        guard limit > 0 else { return [] }
        let keys = RedisKeys(prefix: settings.keyPrefix, group: group)
        // LPUSH in, RPOP out: the next job is the last element, and the inbox goes before the ready list. One more
        // element than asked per list, for a wake-up marker among them. Both lists in one transaction, so an element
        // a waiting consumer moves from one to the other is seen once.
        let range = [limit >= Int.max / 2 ? "0" : String(-(limit + 1)), "-1"]
        let replies = try await client.pipeline([
            RedisCommand("MULTI"), RedisCommand(["LRANGE", keys.inbox] + range),
            RedisCommand(["LRANGE", keys.ready] + range), RedisCommand("EXEC"),
        ])
        guard let lists = try replies.last?.get().array, lists.count == 2 else {
            throw RedisError.protocolError("peek transaction returned \(replies)")
        }
        var entries: [RedisReadyEntry] = []
        for list in lists {
            entries += (list.array ?? []).reversed().compactMap { $0.bytes.map(RedisReadyEntry.init) }
        }
        var jobs: [ReadyJob?] = []
        var byID: [(index: Int, id: String)] = []
        for entry in entries where jobs.count < limit {
            switch entry {
            case .id(let id):
                byID.append((jobs.count, id))
                jobs.append(nil)
            case .inline(let id, let payload):
                jobs.append(ReadyJob(id: id, payload: payload))
            case .malformed(let bytes):
                jobs.append(ReadyJob(id: "", payload: bytes))
            case .wakeMarker:
                continue
            }
        }
        if !byID.isEmpty {
            let payloads = try await client.send(RedisCommand(["HMGET", keys.jobs] + byID.map(\.id))).array ?? []
            for (slot, payload) in zip(byID, payloads) {
                jobs[slot.index] = payload.bytes.map { ReadyJob(id: slot.id, payload: $0) }
            }
        }
        return jobs.compactMap { $0 }
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

    /// Whether `group` is registered under this factory's key prefix (see ``knownGroups()``) or has jobs or
    /// error-queue entries now.
    public func isKnownGroup(_ group: String) async throws -> Bool {
        if try await client.send(RedisCommand("SISMEMBER", "\(settings.keyPrefix):groups", group)).int == 1 {
            return true
        }
        let keys = RedisKeys(prefix: settings.keyPrefix, group: group)
        let existing = try await client.send(RedisCommand(["EXISTS"] + keys.queueKeys + keys.errorKeys)).int ?? 0
        return existing > 0
    }
}
