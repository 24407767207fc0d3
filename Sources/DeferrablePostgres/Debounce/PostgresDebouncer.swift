import Deferrable
import NIOCore
import PostgresNIO
import Synchronization

/// A debouncer whose decisions live in PostgreSQL (`<schema>.debounce`), shared by every producer process.
///
/// When the job's backend is a PostgreSQL backend of the same factory, the decision, its record and the push (or the
/// postponement of the pending copy) are one statement, so one transaction on the database clock: two producers
/// racing can never both push, and a decision is never recorded without its job. With any other backend it takes two
/// steps: the statement decides and records, then the job is pushed (or postponed) on that backend; if that fails the
/// record is released (best effort), and between the two steps another producer may join a copy that is not pushed
/// yet.
///
/// The factory's ``PostgresBackendFactory/migrate()`` creates the table and function it uses.
public final class PostgresDebouncer: Debouncer {
    /// Whether a statement was handed to a connection (after that it may have run).
    private final class SendMark: Sendable {
        private let sent = Atomic<Bool>(false)
        var wasSent: Bool { sent.load(ordering: .acquiring) }
        func mark() { sent.store(true, ordering: .releasing) }
    }

    private let database: PostgresDatabase

    /// Creates a debouncer on the factory's database, schema and connection pool.
    public init(factory: PostgresBackendFactory) {
        self.database = factory.database
    }

    /// Decides in one statement (with the push when the backend is of this debouncer's factory); see
    /// ``Debouncer/submit(_:to:)``.
    ///
    /// Throws ``DebouncerUnavailable`` when the statement certainly did not take effect: no connection could be had
    /// before the operation timeout (the server is down or unreachable), or the server refused the statement (it was
    /// rolled back). An error after the statement was sent with no answer (a timeout, a dropped connection) is thrown
    /// as it is, since the statement may have pushed the job.
    public func submit(_ request: DebounceRequest, to backend: any Backend) async throws -> DebounceDecision {
        try OutgoingJob.validate(id: request.job.id)
        let sameStore = (backend.queue as? PostgresJobQueue).flatMap { $0.database === database ? $0 : nil }
        sameStore?.registration.register(group: backend.group, on: database)
        let window = Self.milliseconds(request.window)
        let maxWait: Int64 = if case .extend(let wait?) = request.mode { Self.milliseconds(wait) } else { -1 }
        let mode =
            switch request.mode {
            case .leading: "leading"
            case .alwaysDelay: "alwaysDelay"
            case .extend: "extend"
            }
        let schema = database.schema.sql
        let query: PostgresQuery = """
            SELECT action, job_id, runnable_at, db_now FROM \(unescaped: schema).debounce(
                \(backend.group), \(request.key), \(mode), \(window), \(maxWait), \(request.job.id),
                \(ByteBuffer(bytes: request.job.payload)), \(request.job.keepsResult), \(sameStore != nil))
            """
        let rows = try await unavailableUnlessSent(query)
        guard let row = rows.first else { throw PostgresBackendError.unexpectedReply("debounce returned no row") }
        let (action, id, runnableAt, now) = try row.decode((String, String, Int64, Int64).self)
        let decision: DebounceDecision =
            switch action {
            case "now": .pushedNow(id: id, at: now)
            case "delayed": .pushedDelayed(id: id, runnableAt: runnableAt)
            case "extended": .extended(id: id, runnableAt: runnableAt)
            case "joined": .joined(id: id, runnableAt: runnableAt)
            default: throw PostgresBackendError.unexpectedReply("debounce returned the action '\(action)'")
            }
        if sameStore != nil { return decision }
        return try await perform(decision, request: request, now: now, backend: backend)
    }

    /// A duration in whole milliseconds, within `0 ... EnvelopeBounds.longestDurationMillis`.
    private static func milliseconds(_ duration: Duration) -> Int64 {
        min(max(duration.wholeMilliseconds, 0), EnvelopeBounds.longestDurationMillis)
    }

    /// Runs the decision statement; an error before it was sent on a connection, or the server's refusal of it,
    /// becomes ``DebouncerUnavailable``; others (a lost reply) are thrown as they are.
    private func unavailableUnlessSent(_ query: PostgresQuery) async throws -> [PostgresRow] {
        let mark = SendMark()
        let logger = database.logger
        do {
            return try await database.withConnection("debounce") { connection in
                try Task.checkCancellation()
                mark.mark()
                return try await connection.query(query, logger: logger).collect()
            }
        } catch let error as PSQLError where error.code == .server {
            throw DebouncerUnavailable(reason: String(reflecting: error))
        } catch  where !mark.wasSent && !(error is CancellationError) {
            throw DebouncerUnavailable(reason: String(describing: error))
        }
    }

    /// The second step when the backend is not of this factory (``DebounceSecondStep``): a pushed copy is recorded
    /// in the key's row, and a failed step releases the record.
    private func perform(
        _ decision: DebounceDecision, request: DebounceRequest, now: Int64, backend: any Backend
    ) async throws -> DebounceDecision {
        let schema = database.schema.sql
        let database = database
        return try await DebounceSecondStep.perform(
            decision, request: request, now: now, backend: backend,
            recordPushedID: { id in
                try await database.query(
                    "UPDATE \(unescaped: schema).debounce SET id = \(id) WHERE grp = \(backend.group) AND key = \(request.key)",
                    "debounce record")
            },
            release: { id in
                _ = try? await database.query(
                    "SELECT \(unescaped: schema).release_debounce(\(backend.group), \(request.key), \(id))", "debounce release")
            })
    }
}
