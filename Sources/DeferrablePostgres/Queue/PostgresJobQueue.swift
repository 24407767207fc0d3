import Deferrable
import Foundation
import NIOCore
import PostgresNIO

/// The main queue of a group on PostgreSQL. Push, pop and settle are one statement each (functions of migration 1),
/// so each is atomic; idle consumers wait for a notification (``PostgresNotificationHub``), bounded by the safety
/// poll and by the time the next delayed job or lease is due.
struct PostgresJobQueue: IdempotentJobQueue {
    let database: PostgresDatabase
    let group: String
    let settings: PostgresBackendSettings
    let hub: PostgresNotificationHub
    let registration: PostgresGroupRegistration
    let batching: PostgresQueueBatching

    /// Most jobs one push statement carries.
    static let pushChunkSize = 5_000

    private var schema: String { database.schema.sql }

    func push(_ job: OutgoingJob) async throws {
        try OutgoingJob.validate(id: job.id)
        registration.register(group: group, on: database)
        try await database.query(Self.pushQuery(schema: schema, group: group, jobs: [job]), "push")
    }

    func pushBatch(_ jobs: [OutgoingJob]) async throws {
        guard !jobs.isEmpty else { return }
        for job in jobs { try OutgoingJob.validate(id: job.id) }
        registration.register(group: group, on: database)
        for chunk in Self.chunks(of: jobs) {
            try await database.query(Self.pushQuery(schema: schema, group: group, jobs: chunk), "push")
        }
    }

    /// Splits `jobs` in order into chunks of at most ``pushChunkSize`` with distinct ids (one statement cannot
    /// write a row twice).
    static func chunks(of jobs: [OutgoingJob]) -> [[OutgoingJob]] {
        var chunks: [[OutgoingJob]] = []
        var current: [OutgoingJob] = []
        var ids = Set<String>()
        for job in jobs {
            if current.count == pushChunkSize || ids.contains(job.id) {
                chunks.append(current)
                current = []
                ids = []
            }
            current.append(job)
            ids.insert(job.id)
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }

    /// The push statement of `jobs` (distinct ids), usable on any connection: on the pool, or inside a caller's
    /// transaction.
    static func pushQuery(schema: String, group: String, jobs: [OutgoingJob]) -> PostgresQuery {
        let columns = PushColumns(jobs)
        return
            "SELECT \(unescaped: schema).push(\(group), \(columns.ids), \(columns.payloads), \(columns.delays), \(columns.keeps))"
    }

    /// The arrays the push functions take, one element per job.
    struct PushColumns {
        let ids: [String]
        let payloads: [ByteBuffer]
        let delays: [Int64]
        let keeps: [Bool]

        init(_ jobs: [OutgoingJob]) {
            ids = jobs.map(\.id)
            payloads = jobs.map { ByteBuffer(bytes: $0.payload) }
            delays = jobs.map { max(0, $0.delay.wholeMilliseconds) }
            keeps = jobs.map(\.keepsResult)
        }
    }

    func pushIfAbsent(_ jobs: [OutgoingJob], hold: Duration?) async throws -> [Bool] {
        guard !jobs.isEmpty else { return [] }
        for job in jobs { try OutgoingJob.validate(id: job.id) }
        registration.register(group: group, on: database)
        let holdMillis = hold.map { max(1, $0.wholeMilliseconds) } ?? 0
        var pushed: [Bool] = []
        pushed.reserveCapacity(jobs.count)
        var start = 0
        while start < jobs.count {
            let chunk = jobs[start..<min(start + Self.pushChunkSize, jobs.count)]
            start = chunk.endIndex
            let query = Self.pushIfAbsentQuery(schema: schema, group: group, jobs: Array(chunk), holdMillis: holdMillis)
            var stored = Set<String>()
            for row in try await database.query(query, "push if absent") { stored.formUnion(try row.decode([String].self)) }
            // The function stores the first job of a repeated id; `remove` marks only that one as pushed.
            pushed += chunk.map { stored.remove($0.id) != nil }
        }
        return pushed
    }

    /// The push-if-absent statement of `jobs` (ids may repeat).
    static func pushIfAbsentQuery(schema: String, group: String, jobs: [OutgoingJob], holdMillis: Int64) -> PostgresQuery {
        let columns = PushColumns(jobs)
        return """
            SELECT \(unescaped: schema).push_absent(\(group), \(columns.ids), \(columns.payloads), \(columns.delays), \
            \(columns.keeps), \(holdMillis))
            """
    }

    func pop(lease: Duration, waitingUpTo wait: Duration) async throws -> LeasedJob? {
        registration.register(group: group, on: database)
        let deadline = ContinuousClock.now + wait
        let leaseMillis = max(1, lease.wholeMilliseconds)
        let poll = settings.clampedSafetyPoll
        while true {
            let job: LeasedJob? = try await hub.waiting(for: .wake(group: group)) {
                let (job, nextDue) = try await popOnce(leaseMillis: leaseMillis)
                if let job { return (job, .zero) }
                let remaining = ContinuousClock.now.duration(to: deadline)
                guard remaining > .zero, !Task.isCancelled else { return (nil, .zero) }
                var wait = min(remaining, poll)
                if let nextDue { wait = min(wait, .milliseconds(max(nextDue, 1))) }
                return (nil, wait)
            }
            if let job { return job }
            guard ContinuousClock.now < deadline, !Task.isCancelled else { return nil }
        }
    }

    /// One pop (coalesced with concurrent ones): the job, or the milliseconds until the next job or lease is due
    /// (`nil` if none).
    private func popOnce(leaseMillis: Int64) async throws -> (LeasedJob?, Int64?) {
        let answer = try await batching.pops.submit(leaseMillis)
        return (answer.job, answer.nextDueMillis)
    }

    func extendLease(_ job: LeasedJob, by lease: Duration) async throws -> Bool {
        guard let token = UUID(uuidString: job.leaseToken) else { return false }
        // Found by token (`jobs_lease`); the group and id are checked, in a form no index serves (see migration 6).
        let rows = try await database.query(
            """
            UPDATE \(unescaped: schema).jobs SET due_at = \(unescaped: schema).now_ms() + \(max(1, lease.wholeMilliseconds))
            WHERE lease_token = \(token) AND (grp, id) IS NOT DISTINCT FROM (\(group), \(job.id)) RETURNING 1
            """, "extend lease")
        return !rows.isEmpty
    }

    func settle(_ job: LeasedJob, _ settlement: Settlement, tally: TaskTally?) async throws -> Bool {
        guard let token = UUID(uuidString: job.leaseToken) else { return false }
        return try await batching.settles.submit(
            PostgresQueueBatching.Settle(id: job.id, token: token, arguments: try PostgresSettlement(settlement), tally: tally))
    }

    func postpone(id: String, by delay: Duration) async throws -> Bool {
        let rows = try await database.query(
            """
            UPDATE \(unescaped: schema).jobs SET due_at = \(unescaped: schema).now_ms() + \(max(0, delay.wholeMilliseconds))
            WHERE grp = \(group) AND id = \(id) AND lease_token IS NULL AND due_at > \(unescaped: schema).now_ms()
            RETURNING 1
            """, "postpone")
        return !rows.isEmpty
    }

    func flush() async throws {
        try await database.query(
            """
            WITH results AS (DELETE FROM \(unescaped: schema).results WHERE grp = \(group)),
                holds AS (DELETE FROM \(unescaped: schema).id_holds WHERE grp = \(group))
            DELETE FROM \(unescaped: schema).jobs WHERE grp = \(group)
            """, "flush")
    }

    func stats() async throws -> QueueStats {
        let rows = try await database.query(
            """
            WITH now AS (SELECT \(unescaped: schema).now_ms() AS ms)
            SELECT count(*) FILTER (WHERE j.lease_token IS NULL AND j.due_at <= now.ms),
                count(*) FILTER (WHERE j.lease_token IS NOT NULL),
                count(*) FILTER (WHERE j.lease_token IS NULL AND j.due_at > now.ms),
                (SELECT count(*) FROM \(unescaped: schema).errors e WHERE e.grp = \(group))
            FROM \(unescaped: schema).jobs j, now WHERE j.grp = \(group)
            """, "stats")
        guard let row = rows.first else { throw PostgresBackendError.unexpectedReply("stats returned no row") }
        let (available, inFlight, delayed, errors) = try row.decode((Int64, Int64, Int64, Int64).self)
        return QueueStats(available: Int(available), inFlight: Int(inFlight), delayed: Int(delayed), errors: Int(errors))
    }
}
