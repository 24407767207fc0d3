import Deferrable
import Foundation
import NIOCore
import PostgresNIO

/// The error queue of a group on PostgreSQL: rows of `<schema>.errors`, oldest first by failure time. Dead-letters
/// trim it to its limits in the settling transaction.
struct PostgresErrorQueue: ErrorQueue {
    let database: PostgresDatabase
    let group: String

    private var schema: String { database.schema.sql }

    func list(offset: Int, limit: Int) async throws -> [DeadJob] {
        guard limit > 0 else { return [] }
        let rows = try await database.query(
            """
            SELECT id, payload, error FROM \(unescaped: schema).errors WHERE grp = \(group)
            ORDER BY failed_at, seq OFFSET \(Int64(max(0, offset))) LIMIT \(Int64(limit))
            """, "list errors")
        return try rows.map(Self.deadJob)
    }

    func entry(id: String) async throws -> DeadJob? {
        let rows = try await database.query(
            "SELECT id, payload, error FROM \(unescaped: schema).errors WHERE grp = \(group) AND id = \(id)", "read error")
        return try rows.first.map(Self.deadJob)
    }

    func count() async throws -> Int {
        let rows = try await database.query(
            "SELECT count(*) FROM \(unescaped: schema).errors WHERE grp = \(group)", "count errors")
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    func requeue(id: String, as job: OutgoingJob) async throws -> Bool {
        try OutgoingJob.validate(id: job.id)
        let rows = try await database.query(
            """
            SELECT \(unescaped: schema).requeue_error(\(group), \(id), \(job.id), \(ByteBuffer(bytes: job.payload)),
                \(job.keepsResult))
            """, "requeue error")
        return try rows.first?.decode(Bool.self) ?? false
    }

    func remove(id: String) async throws -> Bool {
        let rows = try await database.query(
            "DELETE FROM \(unescaped: schema).errors WHERE grp = \(group) AND id = \(id) RETURNING 1", "remove error")
        return !rows.isEmpty
    }

    func purge() async throws -> Int {
        let rows = try await database.query(
            "WITH gone AS (DELETE FROM \(unescaped: schema).errors WHERE grp = \(group) RETURNING 1) SELECT count(*) FROM gone",
            "purge errors")
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    private static func deadJob(_ row: PostgresRow) throws -> DeadJob {
        let (id, payload, record) = try row.decode((String, ByteBuffer, ByteBuffer).self)
        return DeadJob(id: id, payload: payload.bytes, error: ErrorRecord.stored(record.bytes))
    }
}
