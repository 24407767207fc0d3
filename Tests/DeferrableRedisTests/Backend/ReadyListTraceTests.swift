import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

/// Elements of the ready list that cannot run as they are leave a trace in the error queue; a running job's
/// envelope is never overwritten by a duplicate.
@Suite("Redis ready list: duplicates and garbage leave a trace", .enabled(if: ProcessInfo.processInfo.environment["REDIS_URL"] != nil))
struct ReadyListTraceTests {
    let url = ProcessInfo.processInfo.environment["REDIS_URL"] ?? ""

    private func makeDeferrable() throws -> (RedisBackendFactory, Deferrable, (String) -> String) {
        let settings = RedisBackendSettings(keyPrefix: "rlt")
        let factory = try RedisBackendFactory(url: url, settings: settings)
        let group = "g-\(UUID().uuidString.prefix(8).lowercased())"
        let key = { (name: String) in "\(settings.keyPrefix):{\(group)}:\(name)" }
        return (factory, try Deferrable(factory: factory, group: group), key)
    }

    private func inline(id: String, _ envelope: JobEnvelope) -> [UInt8] {
        [0] + Array(id.utf8) + [0] + EnvelopeCodec.encode(envelope)
    }

    @Test("an inline element reusing the id of a running job keeps the running job's envelope and is traced")
    func duplicateInlineWhileRunning() async throws {
        let (factory, deferrable, key) = try makeDeferrable()
        let job = try deferrable.register("j") { (_: Int, _) in }
        let receipt = try await job.later(1)
        let running = try #require(try await deferrable.backend.queue.pop(lease: .seconds(30), waitingUpTo: .zero))
        #expect(running.id == receipt.id)

        let duplicate = JobEnvelope(
            id: receipt.id, name: "j", group: deferrable.group, argsJSON: Array("2".utf8), maxAttempts: 3, firstPushedAt: 1)
        _ = try await factory.client.send(RedisCommand("LPUSH", [Array(key("ready").utf8), inline(id: receipt.id, duplicate)]))
        #expect(try await deferrable.backend.queue.pop(lease: .seconds(30), waitingUpTo: .zero) == nil)

        let stored = try await factory.client.send(RedisCommand("HGET", key("jobs"), receipt.id)).bytes
        #expect(stored == running.payload, "the running job's envelope was overwritten")
        let entries = try await deferrable.errors.list()
        #expect(entries.count == 1)
        let entry = try #require(entries.first)
        #expect(entry.error.type == "DuplicateJobID")
        #expect(entry.error.message.contains(receipt.id))
        #expect(entry.envelope?.argsJSON == Array("2".utf8), "the duplicate is kept as it was")
        #expect(try await deferrable.backend.queue.settle(running, .complete()))
        try await deferrable.errors.purge()
        await factory.close()
    }

    @Test("an id in the ready list whose payload is missing is traced in the error queue")
    func missingPayload() async throws {
        let (factory, deferrable, key) = try makeDeferrable()
        _ = try await factory.client.send(RedisCommand("LPUSH", key("ready"), "ghost-1"))
        #expect(try await deferrable.backend.queue.pop(lease: .seconds(30), waitingUpTo: .zero) == nil)
        let entries = try await deferrable.errors.list()
        #expect(entries.count == 1)
        let entry = try #require(entries.first)
        #expect(entry.error.type == "MissingPayload")
        #expect(entry.error.message.contains("ghost-1"))
        try await deferrable.errors.purge()
        await factory.close()
    }

    @Test("an inline element whose id differs from its envelope's id does not run; it reaches the error queue")
    func idMismatch() async throws {
        let (factory, deferrable, key) = try makeDeferrable()
        let ran = Locked(0)
        _ = try deferrable.register("j") { (_: Int, _) in ran.withLock { $0 += 1 } }
        let envelope = JobEnvelope(
            id: "envelope-id", name: "j", group: deferrable.group, argsJSON: Array("1".utf8), maxAttempts: 3, firstPushedAt: 1)
        _ = try await factory.client.send(RedisCommand("LPUSH", [Array(key("ready").utf8), inline(id: "queued-id", envelope)]))
        let outcome = try await deferrable.runOnce(waitingUpTo: .zero)
        #expect(ran.value == 0, "ran as \(outcome)")
        let entry = try #require(try await deferrable.errors.entry(id: "queued-id"))
        #expect(entry.error.type == "MalformedEnvelope")
        #expect(entry.error.message.contains("envelope-id"))
        #expect(try await deferrable.stats().available == 0)
        try await deferrable.errors.purge()
        await factory.close()
    }
}
