import Deferrable
import PostgresNIO

/// The result store of a group on PostgreSQL: records in `<schema>.results`, written by the settlement through
/// `store_result` in the transaction that ends the job, and waited for through the factory's one listening
/// connection (channel `<schema>_results`, payload `<group>/<id>`).
///
/// - ``lookup(id:)`` is one statement: pending while the job's row is in `jobs` (queued, delayed, running, or
///   requeued from the error queue), else its record if it has not expired, else unknown.
/// - ``wait(for:upTo:)`` registers the waiter before it looks, so a record committed in between is never missed; it
///   looks again when the job's notification arrives and when the listening connection was re-established, and
///   once more at the deadline. Cancelling the task ends the wait with `CancellationError`.
struct PostgresResultStore: ResultStore {
    let database: PostgresDatabase
    let group: String
    let hub: PostgresNotificationHub

    private var schema: String { database.schema.sql }

    func lookup(id: String) async throws -> ResultLookup {
        let rows = try await database.query(
            """
            SELECT EXISTS (SELECT 1 FROM \(unescaped: schema).jobs WHERE grp = \(group) AND id = \(id)),
                (SELECT record FROM \(unescaped: schema).results
                 WHERE grp = \(group) AND id = \(id) AND expires_at > \(unescaped: schema).now_ms())
            """, "result lookup")
        guard let row = rows.first else { throw PostgresBackendError.unexpectedReply("result lookup returned no row") }
        let (queued, record) = try row.decode((Bool, ByteBuffer?).self)
        if queued { return .pending }
        if let record { return .finished(record.bytes) }
        return .unknown
    }

    func count() async throws -> Int {
        let rows = try await database.query(
            """
            SELECT count(*) FROM \(unescaped: schema).results
            WHERE grp = \(group) AND expires_at > \(unescaped: schema).now_ms()
            """, "result count")
        guard let row = rows.first else { throw PostgresBackendError.unexpectedReply("result count returned no row") }
        return Int(clamping: max(0, try row.decode(Int64.self)))
    }

    func wait(for id: String, upTo timeout: Duration) async throws -> ResultLookup {
        guard timeout > .zero else { return try await lookup(id: id) }
        let deadline = ContinuousClock.now + timeout
        while true {
            try Task.checkCancellation()
            let found: ResultLookup? = try await hub.waiting(for: .result(group: group, id: id)) {
                let found = try await lookup(id: id)
                let remaining = ContinuousClock.now.duration(to: deadline)
                return (found == .pending && remaining > .zero ? nil : found, remaining)
            }
            if let found { return found }
            try Task.checkCancellation()
            if ContinuousClock.now >= deadline { return try await lookup(id: id) }
        }
    }
}
