import Deferrable
import Foundation

/// The error queue of a group on Redis: a sorted set by failure time, with payloads and records in hashes.
struct RedisErrorQueue: ErrorQueue {
    let client: RedisClient
    let keys: RedisKeys

    func list(offset: Int, limit: Int) async throws -> [DeadJob] {
        guard limit > 0 else { return [] }
        // Lua numbers past 2^53 turn into exponent notation, which ZRANGE refuses: clamp both.
        let bound = 1 << 40
        let reply = try await client.evalScript(
            .listErrors, keys: keys.errorKeys, args: [String(min(max(0, offset), bound)), String(min(limit, bound))])
        guard let fields = reply.array, fields.count % 3 == 0 else {
            throw RedisError.protocolError("listErrors script returned \(reply)")
        }
        return try stride(from: 0, to: fields.count, by: 3).map { index in
            try Self.deadJob(id: fields[index], payload: fields[index + 1], record: fields[index + 2])
        }
    }

    func entry(id: String) async throws -> DeadJob? {
        let replies = try await client.pipeline([
            RedisCommand("HGET", keys.errorPayloads, id),
            RedisCommand("HGET", keys.errorRecords, id),
        ])
        let payload = try replies[0].get()
        let record = try replies[1].get()
        guard !payload.isNull, !record.isNull else { return nil }
        return try Self.deadJob(id: .bulkString(Array(id.utf8)), payload: payload, record: record)
    }

    func count() async throws -> Int {
        Int(try await client.send(RedisCommand("ZCARD", keys.errors)).int ?? 0)
    }

    func requeue(id: String, as job: OutgoingJob) async throws -> Bool {
        try OutgoingJob.validate(id: job.id)
        let reply = try await client.evalScript(
            .requeueError,
            keys: keys.errorKeys + [keys.jobs, keys.ready],
            binaryArgs: [Array(id.utf8), Array(job.id.utf8), job.payload], confirmed: true)
        return reply.int == 1
    }

    func remove(id: String) async throws -> Bool {
        try await client.evalScript(.removeError, keys: keys.errorKeys, args: [id]).int == 1
    }

    func purge() async throws -> Int {
        Int(try await client.evalScript(.purgeErrors, keys: keys.errorKeys).int ?? 0)
    }

    private static func deadJob(id: RedisValue, payload: RedisValue, record: RedisValue) throws -> DeadJob {
        guard let id = id.string, let payload = payload.bytes, let recordBytes = record.bytes else {
            throw RedisError.protocolError("error queue entry is incomplete")
        }
        return DeadJob(id: id, payload: payload, error: ErrorRecord.stored(recordBytes))
    }
}
