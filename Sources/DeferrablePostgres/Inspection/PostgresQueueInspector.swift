import Deferrable
import PostgresNIO

/// The ``QueueInspector`` of a group on PostgreSQL: one read-only statement per look, at the database clock. A job is
/// runnable when its row in `<schema>.jobs` is due: never leased, or leased with a lapsed lease (the next pop takes it
/// back). Runnable jobs are listed in the order pops take them, by due time, then push order.
struct PostgresQueueInspector: QueueInspector {
    /// The most jobs one ``peekReady(offset:limit:)`` lists.
    static let maxPeek = 1000
    /// The largest offset passed to the database.
    static let maxOffset = 1 << 40

    let database: PostgresDatabase
    let group: String

    private var schema: String { database.schema.sql }

    func peekReady(offset: Int, limit: Int) async throws -> [PeekedJob] {
        let limit = min(max(limit, 0), Self.maxPeek)
        guard limit > 0 else { return [] }
        let offset = min(max(offset, 0), Self.maxOffset)
        let rows = try await database.query(
            """
            SELECT id, payload FROM \(unescaped: schema).jobs
            WHERE grp = \(group) AND due_at <= \(unescaped: schema).now_ms()
            ORDER BY due_at, seq
            OFFSET \(Int64(offset)) LIMIT \(Int64(limit))
            """, "peek ready")
        return try rows.map { row in
            let (id, payload) = try row.decode((String, ByteBuffer).self)
            return PeekedJob(id: id, payload: payload.bytes)
        }
    }

    func oldestRunnableAge() async throws -> Duration? {
        let rows = try await database.query(
            """
            WITH t AS (SELECT \(unescaped: schema).now_ms() AS now)
            SELECT t.now - min(j.due_at) FROM \(unescaped: schema).jobs j, t
            WHERE j.grp = \(group) AND j.due_at <= t.now
            GROUP BY t.now
            """, "oldest runnable")
        guard let row = rows.first else { return nil }
        return .milliseconds(max(0, try row.decode(Int64.self)))
    }
}
