import Deferrable
import DeferrablePostgres
import DeferrableTestSupport
import Logging
import NIOCore
import PostgresNIO
import Synchronization
import Testing

@Suite("PostgreSQL: pushes inside the caller's transaction", .enabled(if: PostgresTestDatabase.url != nil))
struct TransactionalEnqueueTests {
    struct Order: Codable, Sendable, Equatable { var id: Int }
    struct Rollback: Error {}

    let logger = Logger(label: "test")

    @Test("commit: the job exists and a waiting worker runs it; rollback: no row, no run")
    func commitAndRollback() async throws {
        let factory = try await PostgresTestDatabase.factory()
        defer { Task { await factory.close() } }
        let deferrable = try Deferrable(factory: factory, group: "orders")
        let ran = Locked<[Int]>([])
        let job = try deferrable.register("receipt") { (order: Order, _) in ran.withLock { $0.append(order.id) } }

        await #expect(throws: PostgresTransactionError.self) {
            try await factory.client.withTransaction(logger: logger) { connection in
                try await job.later(Order(id: 1), on: connection)
                throw Rollback()
            }
        }
        #expect(try await deferrable.backend.queue.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
        #expect(try await deferrable.runOnce(waitingUpTo: .zero) == .empty)

        // A consumer waits; the commit wakes it.
        let consumer = Task { try await deferrable.runOnce(waitingUpTo: .seconds(10)) }
        try await eventually("the consumer to wait", timeout: .seconds(10)) {
            factory.waitingConsumers(group: "orders") == 1
        }
        let receipt = try await factory.client.withTransaction(logger: logger) { connection in
            try await job.later(Order(id: 2), on: connection)
        }
        let outcome = try await consumer.value
        #expect(outcome == .completed(JobRef(id: receipt.id, name: "receipt", group: "orders")))
        #expect(ran.value == [2])
    }

    @Test("a rolled-back push sends no notification; a committed one sends one")
    func notifications() async throws {
        let factory = try await PostgresTestDatabase.factory()
        defer { Task { await factory.close() } }
        let schema = factory.schema.name
        let rolledBack = try Deferrable(factory: factory, group: "rolled-back")
        let committed = try Deferrable(factory: factory, group: "committed")
        let first = try rolledBack.register("a") { (_: Int, _) in }
        let second = try committed.register("b") { (_: Int, _) in }
        let logger = logger
        try await factory.client.withConnection { listener in
            try await listener.listen(on: "\(schema)_wake") { notifications in
                await #expect(throws: PostgresTransactionError.self) {
                    try await factory.client.withTransaction(logger: logger) { connection in
                        try await first.later(1, on: connection)
                        throw Rollback()
                    }
                }
                try await factory.client.withTransaction(logger: logger) { connection in
                    _ = try await second.later(2, on: connection)
                }
                // Notifications arrive in commit order: the first one is the committed push's.
                var iterator = notifications.makeAsyncIterator()
                let notification = try await iterator.next()
                #expect(notification?.payload == "committed")
            }
        }
    }

    @Test("a handle of another backend, or a debounced job, is refused with a typed error")
    func refused() async throws {
        let factory = try await PostgresTestDatabase.factory()
        defer { Task { await factory.close() } }
        let memory = try Deferrable(factory: MemoryBackendFactory(), group: "mem")
        let elsewhere = try memory.register("x") { (_: Int, _) in }
        let postgres = try Deferrable(factory: factory, group: "pg", debouncer: MemoryDebouncer())
        let debounced = try postgres.register("d", options: JobOptions(debounce: Debounce(window: .fixed(.seconds(1))))) {
            (_: Int, _) in
        }
        let logger = logger
        try await factory.client.withTransaction(logger: logger) { connection in
            await #expect(throws: PostgresBackendError.notAPostgresBackend(group: "mem")) {
                try await elsewhere.later(1, on: connection)
            }
            await #expect(throws: DeferrableError.self) {
                try await debounced.later(1, on: connection)
            }
        }
    }
}
