import Deferrable
import DeferrablePostgres
import DeferrableTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

/// The PostgreSQL debouncer's decision and push are one transaction when the backend is of the same factory, and it
/// is unavailable (so fail-open may push) exactly when its statement cannot have run.
@Suite("PostgreSQL debounce transaction", .enabled(if: PostgresTestDatabase.url != nil, "POSTGRES_URL is not set"))
struct PostgresDebounceTransactionTests {
    let s = PostgresStoreFixture.schema

    struct Abort: Error {}

    private func request(_ id: String, key: String = "k", window: Duration = .seconds(30)) -> DebounceRequest {
        DebounceRequest(key: key, window: window, mode: .leading, job: OutgoingJob(id: id, payload: Array("p".utf8)))
    }

    private func count(_ table: String, _ group: String) async throws -> Int64 {
        let factory = try await PostgresStoreFixture.factory()
        let rows = try await factory.client.query(
            "SELECT count(*) FROM \(unescaped: s).\(unescaped: table) WHERE grp = \(group)"
        ).collect()
        return try #require(rows.first).decode(Int64.self)
    }

    @Test("a decision rolled back with its transaction leaves neither a record nor a job")
    func rolledBack() async throws {
        let factory = try await PostgresStoreFixture.factory()
        let group = "deb-\(UUID().uuidString.prefix(8))"
        let logger = Logger(label: "test")
        let error = await #expect(throws: PostgresTransactionError.self) {
            try await factory.client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    """
                    SELECT * FROM \(unescaped: s).debounce(
                        \(group), 'k', 'leading', 30000, -1, 'job-1', decode('00', 'hex'), false, true)
                    """, logger: logger)
                let inside = try await connection.query(
                    "SELECT count(*) FROM \(unescaped: s).jobs WHERE grp = \(group)", logger: logger
                ).collect()
                #expect(try inside.first?.decode(Int64.self) == 1, "the job is pushed inside the transaction")
                throw Abort()
            }
        }
        #expect(error?.closureError is Abort)
        #expect(try await count("debounce", group) == 0)
        #expect(try await count("jobs", group) == 0)
        let decision = try await PostgresDebouncer(factory: factory).submit(request("job-2"), to: factory.makeBackend(group: group))
        guard case .pushedNow(let id, _) = decision else {
            Issue.record("expected a push now, got \(decision)")
            return
        }
        #expect(id == "job-2")
        #expect(try await count("jobs", group) == 1)
    }

    @Test("racing producers of one key: one pushes now, one pushes the trailing copy, every other call joins it")
    func racing() async throws {
        let factory = try await PostgresStoreFixture.factory()
        let group = "deb-\(UUID().uuidString.prefix(8))"
        let backend = try factory.makeBackend(group: group)
        let debouncer = PostgresDebouncer(factory: factory)
        let decisions = try await withThrowingTaskGroup(of: DebounceDecision.self) { tasks in
            for n in 0..<20 { tasks.addTask { try await debouncer.submit(request("job-\(n)"), to: backend) } }
            return try await tasks.reduce(into: []) { $0.append($1) }
        }
        var now = 0
        var delayed: [String] = []
        var joined: [String] = []
        for decision in decisions {
            switch decision {
            case .pushedNow: now += 1
            case .pushedDelayed(let id, _): delayed.append(id)
            case .joined(let id, _): joined.append(id)
            case .extended: Issue.record("leading never extends")
            }
        }
        #expect(now == 1)
        #expect(delayed.count == 1)
        #expect(joined.count == 18)
        #expect(Set(joined) == Set(delayed))
        #expect(try await count("jobs", group) == 2)
    }

    @Test("two steps: a push on the other backend that fails releases the record, so the next call pushes anew")
    func failedSecondStepReleases() async throws {
        struct PushFailed: Error {}
        let factory = try await PostgresStoreFixture.factory()
        let memory = try MemoryBackendFactory().makeBackend(group: "deb-\(UUID().uuidString.prefix(8))")
        let failing = InterceptingBackend(inner: memory) { throw PushFailed() }
        let debouncer = PostgresDebouncer(factory: factory)
        await #expect(throws: PushFailed.self) { try await debouncer.submit(request("job-1"), to: failing) }
        #expect(try await count("debounce", memory.group) == 0, "the record was released")
        let decision = try await debouncer.submit(request("job-2"), to: memory)
        #expect(decision == .pushedNow(id: "job-2", at: try #require(Self.time(of: decision))))
        #expect(try await memory.queue.stats().available == 1)
    }

    /// The time a push-now decision was made at.
    private static func time(of decision: DebounceDecision) -> Int64? {
        if case .pushedNow(_, let at) = decision { at } else { nil }
    }

    @Test("with no server to reach the debouncer is unavailable, so fail-open may push")
    func unavailable() async throws {
        let port = try freeLoopbackPort()
        let factory = try PostgresBackendFactory(
            url: "postgres://nobody@127.0.0.1:\(port)/none",
            settings: PostgresBackendSettings(schema: s, operationTimeout: .milliseconds(500)))
        defer { Task { await factory.close() } }
        let backend = try factory.makeBackend(group: "deb-unreachable")
        await #expect(throws: DebouncerUnavailable.self) {
            try await PostgresDebouncer(factory: factory).submit(request("job-1"), to: backend)
        }
    }
}
