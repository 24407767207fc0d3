import Deferrable
import Foundation
import NIOCore
import PostgresNIO

/// Concurrent pops and settlements of one group, coalesced: callers that come while ``maxInFlight`` calls of their
/// kind are running share the next call (a lone caller goes at once). So consumers that finish together settle in
/// one statement, one transaction and one commit, and take their next jobs with one `pop(…, n)`.
struct PostgresQueueBatching: Sendable {
    /// One settlement on its way to `settle_many`.
    struct Settle: Sendable {
        var id: String
        var token: UUID
        var arguments: PostgresSettlement
        var tally: TaskTally?
    }

    /// What one consumer's pop found: a job, or when the next job or lease is due (ms from the database's now).
    struct PopAnswer: Sendable {
        var job: LeasedJob?
        var nextDueMillis: Int64?
    }

    /// Most calls of one kind running at once (each holds a pooled connection).
    static let maxInFlight = 4
    /// Most requests one call carries.
    static let maxBatch = 64

    let settles: RequestCoalescer<Settle, Bool>
    let pops: RequestCoalescer<Int64, PopAnswer>

    init(database: PostgresDatabase, group: String, settings: PostgresBackendSettings) {
        let schema = database.schema.sql
        let limits = settings.errorQueueLimits
        let maxErrors = Int32(clamping: limits.maxEntries)
        let maxAge = limits.maxAge.wholeMilliseconds
        settles = RequestCoalescer(maxBatch: Self.maxBatch, maxInFlight: Self.maxInFlight) { batch in
            let rows = try await database.query(
                Self.settleQuery(schema: schema, group: group, batch: batch, maxErrors: maxErrors, maxAge: maxAge), "settle")
            guard let held = try rows.first?.decode([Int32].self), held.count == batch.count else {
                throw PostgresBackendError.unexpectedReply("settle_many did not answer every settlement")
            }
            return held.map { $0 == 1 }
        }
        pops = RequestCoalescer(maxBatch: Self.maxBatch, maxInFlight: Self.maxInFlight) { leases in
            // One call per distinct lease (a group's consumers normally share one), answers in request order.
            var answers = [PopAnswer?](repeating: nil, count: leases.count)
            for lease in Set(leases) {
                let indices = leases.indices.filter { leases[$0] == lease }
                let found = try await Self.pop(database: database, schema: schema, group: group, lease: lease, count: indices.count)
                for (slot, index) in indices.enumerated() { answers[index] = found[slot] }
            }
            return answers.map { $0 ?? PopAnswer(job: nil, nextDueMillis: nil) }
        }
    }

    /// Takes up to `count` jobs; returns exactly `count` answers (the jobs first).
    private static func pop(
        database: PostgresDatabase, schema: String, group: String, lease: Int64, count: Int
    ) async throws -> [PopAnswer] {
        let sent = ContinuousClock.now
        let rows = try await database.query(
            """
            SELECT o_id, o_payload, o_reclaims, o_token, o_now, o_next
            FROM \(unescaped: schema).pop(\(group), \(lease), \(Int32(count)))
            """, "pop")
        var answers: [PopAnswer] = []
        var nextDue: Int64?
        for row in rows {
            let (id, payload, reclaims, token, now, next) = try row.decode((String?, ByteBuffer?, Int32?, UUID?, Int64, Int64?).self)
            guard let id, let payload, let reclaims, let token else {
                nextDue = next.map { $0 &- now }
                continue
            }
            let job = LeasedJob(
                id: id, payload: payload.bytes, reclaims: Int(reclaims), leaseToken: token.uuidString.lowercased(),
                poppedAt: now, leasedAt: sent)
            answers.append(PopAnswer(job: job, nextDueMillis: nil))
        }
        guard answers.count <= count else { throw PostgresBackendError.unexpectedReply("pop returned more jobs than asked") }
        while answers.count < count { answers.append(PopAnswer(job: nil, nextDueMillis: nextDue)) }
        return answers
    }

    /// The `settle_many` statement of `batch`.
    static func settleQuery(
        schema: String, group: String, batch: [Settle], maxErrors: Int32, maxAge: Int64
    ) -> PostgresQuery {
        let empty = ByteBuffer()
        let ids = batch.map(\.id)
        let tokens = batch.map(\.token)
        let modes = batch.map(\.arguments.mode)
        let payloads = batch.map { $0.arguments.payload ?? empty }
        let hasPayloads = batch.map { $0.arguments.payload != nil }
        let delays = batch.map(\.arguments.delayMillis)
        let errors = batch.map { $0.arguments.error ?? empty }
        let results = batch.map { $0.arguments.result ?? empty }
        let ttls = batch.map { $0.arguments.resultTTLMillis ?? -1 }
        let names = batch.map { $0.tally?.name ?? "" }
        let outcomes = batch.map { $0.tally?.outcome.rawValue ?? "" }
        let runs = batch.map { settle in settle.tally?.runTime.map { Int32(DurationHistogram.bucket(of: $0)) } ?? -1 }
        let waits = batch.map { settle in settle.tally?.queueWait.map { Int32(DurationHistogram.bucket(of: $0)) } ?? -1 }
        return """
            SELECT \(unescaped: schema).settle_many(\(group), \(ids), \(tokens), \(modes), \(payloads), \(hasPayloads),
                \(delays), \(errors), \(results), \(ttls), \(names), \(outcomes), \(runs), \(waits), \(maxErrors), \(maxAge))
            """
    }
}
