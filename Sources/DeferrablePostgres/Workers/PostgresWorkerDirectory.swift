import Deferrable
import Foundation
import NIOCore
import PostgresNIO

/// The ``WorkerDirectory`` of a group on PostgreSQL: each heartbeat is a row of `<schema>.workers` holding its JSON,
/// with an expiry measured by the database clock from the moment of the beat, so workers on hosts whose clocks differ
/// agree. An expired row is never listed; each beat deletes the group's expired rows and keeps at most
/// ``WorkerHeartbeat/maxWorkersPerGroup`` heartbeats (the ones that expire first go).
struct PostgresWorkerDirectory: WorkerDirectory {
    let database: PostgresDatabase
    let group: String

    private var schema: String { database.schema.sql }

    func beat(_ heartbeat: WorkerHeartbeat) async throws {
        try heartbeat.validate()
        let json = ByteBuffer(bytes: try JSONEncoder().encode(heartbeat))
        try await database.query(
            """
            SELECT \(unescaped: schema).worker_beat(
                \(group), \(heartbeat.id), \(json), \(heartbeat.expiresAfterMillis), \(Int32(WorkerHeartbeat.maxWorkersPerGroup)))
            """, "worker beat")
    }

    func remove(workerID id: String) async throws {
        try await database.query(
            "DELETE FROM \(unescaped: schema).workers WHERE grp = \(group) AND id = \(id)", "worker remove")
    }

    func workers() async throws -> [WorkerHeartbeat] {
        let rows = try await database.query(
            """
            SELECT heartbeat FROM \(unescaped: schema).workers
            WHERE grp = \(group) AND expires_at > \(unescaped: schema).now_ms()
            LIMIT \(Int64(WorkerHeartbeat.maxWorkersPerGroup))
            """, "worker list")
        let decoder = JSONDecoder()
        // A heartbeat that does not decode or is out of bounds (another writer's) is left out.
        return rows.compactMap { row -> WorkerHeartbeat? in
            guard let bytes = try? row.decode(ByteBuffer.self),
                let heartbeat = try? decoder.decode(WorkerHeartbeat.self, from: Data(bytes.readableBytesView)),
                (try? heartbeat.validate()) != nil
            else { return nil }
            return heartbeat
        }
        .sorted(by: WorkerHeartbeat.listingOrder)
    }
}
