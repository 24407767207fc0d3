import Deferrable
import DeferrablePostgres
import DeferrableTestSupport
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Testing

/// Rows written straight into the jobs table never crash a consumer: each goes to the error queue with a reason.
@Suite("PostgreSQL: garbage rows", .enabled(if: PostgresTestDatabase.url != nil))
struct GarbageRowTests {
    struct Good: Codable, Sendable { var text: String }

    @Test("bad JSON, a wrong version, an unknown job and bad arguments go to the error queue with a reason")
    func garbage() async throws {
        let factory = try await PostgresTestDatabase.factory()
        defer { Task { await factory.close() } }
        let group = "garbage"
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let deferrable = try Deferrable(factory: factory, group: group, logger: quiet)
        _ = try deferrable.register("good") { (_: Good, _) in }
        var wrongVersion = String(decoding: rawEnvelope(id: "bad-version", name: "good", group: group), as: UTF8.self)
        wrongVersion = wrongVersion.replacingOccurrences(of: #"{"v":1,"#, with: #"{"v":99,"#)
        let items: [(String, [UInt8], String)] = [
            ("not-json", Array("hello, world".utf8), "MalformedEnvelope"),
            ("binary", [0xFF, 0xFE, 0x00, 0x7B], "MalformedEnvelope"),
            ("empty", [], "MalformedEnvelope"),
            ("bad-version", Array(wrongVersion.utf8), "MalformedEnvelope"),
            ("unknown", rawEnvelope(id: "unknown", name: "rm -rf /", group: group), "UnknownJob"),
            ("bad-args", rawEnvelope(id: "bad-args", name: "good", group: group, args: #"{"text":42}"#), "InvalidArguments"),
        ]
        let schema = factory.schema.name
        for (id, payload, _) in items {
            try await factory.client.query(
                """
                INSERT INTO "\(unescaped: schema)".jobs (grp, id, payload, due_at)
                VALUES (\(group), \(id), \(ByteBuffer(bytes: payload)), "\(unescaped: schema)".now_ms())
                """)
        }
        var outcomes = 0
        while try await deferrable.runOnce(waitingUpTo: .zero) != .empty { outcomes += 1 }
        #expect(outcomes == items.count)
        let entries = try await deferrable.errors.list(offset: 0, limit: 100)
        for (id, payload, type) in items {
            let entry = try #require(entries.first { $0.id == id }, "\(id) is not in the error queue")
            #expect(entry.error.type == type, "\(id)")
            #expect(!entry.error.message.isEmpty)
            if type == "MalformedEnvelope" {
                #expect(entry.payload == payload, "a payload that does not decode is kept byte for byte")
            } else {
                #expect(entry.envelope?.id == id, "a valid envelope is kept, brought up to date")
            }
        }
        #expect(try await deferrable.backend.queue.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: items.count))
    }

    @Test("a push of an id that is running leaves a DuplicateJobID trace and the running job alone")
    func duplicateOfRunning() async throws {
        let factory = try await PostgresTestDatabase.factory()
        defer { Task { await factory.close() } }
        let queue = try factory.makeBackend(group: "dup").queue
        try await queue.push(OutgoingJob(id: "same", payload: Array("first".utf8)))
        let leased = try #require(try await queue.pop(lease: .seconds(30), waitingUpTo: .zero))
        try await queue.push(OutgoingJob(id: "same", payload: Array("second".utf8)))
        #expect(try await queue.stats() == QueueStats(available: 0, inFlight: 1, delayed: 0, errors: 1))
        let trace = try #require(try await factory.makeBackend(group: "dup").errorQueue.list(offset: 0, limit: 1).first)
        #expect(trace.error.type == "DuplicateJobID")
        #expect(trace.payload == Array("second".utf8))
        #expect(try await queue.settle(leased, .complete()))
    }
}
