import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

/// Garbage written straight into a group's Redis keys never crashes a consumer: each item goes to the error
/// queue with a reason, or a typed error is thrown, and the consumer keeps going.
@Suite("Bad input in Redis keys", .serialized, .enabled(if: FaultEnv.hasRedis, "needs REDIS_URL"), .timeLimit(.minutes(2)))
struct BadInputTests {
    struct Good: Codable, Sendable { var text: String }

    @Test("Malformed payloads, unknown names and huge payloads go to the error queue with a reason")
    func garbagePayloads() async throws {
        let prefix = uniquePrefix("bad")
        let group = uniqueGroup()
        let limit = 4096
        let factory = try makeQuietFactory(prefix: prefix)
        let deferrable = try Deferrable(
            factory: factory, group: group, defaults: JobDefaults(maxEnvelopeBytes: limit), logger: quietLogger())
        let ran = Locked<[String]>([])
        let good = try deferrable.register("good") { (args: Good, context: JobContext) in
            ran.withLock { $0.append(context.id) }
        }
        let client = factory.client
        let jobsKey = redisKey(prefix: prefix, group: group, "jobs")
        let readyKey = redisKey(prefix: prefix, group: group, "ready")

        let valid = rawEnvelope(id: "x", name: "good", group: group)
        var wrongVersion = String(decoding: rawEnvelope(id: "bad-version", name: "good", group: group), as: UTF8.self)
        wrongVersion = wrongVersion.replacingOccurrences(of: #"{"v":1,"#, with: #"{"v":99,"#)
        let hugeText = String(repeating: "A", count: limit * 3)
        // (id, payload, expected error type, expected fragment of the message)
        let items: [(String, [UInt8], String, String)] = [
            ("not-json", Array("hello, world".utf8), "MalformedEnvelope", "not a JSON envelope"),
            ("binary", [0xFF, 0xFE, 0x00, 0x7B, 0x22, 0xC3], "MalformedEnvelope", "not a JSON envelope"),
            ("empty", [], "MalformedEnvelope", "not a JSON envelope"),
            ("truncated", Array(valid.prefix(valid.count / 2)), "MalformedEnvelope", "not a JSON envelope"),
            ("json-array", Array("[1,2,3]".utf8), "MalformedEnvelope", "not a JSON envelope"),
            (
                "missing-name",
                Array(
                    #"{"v":1,"id":"missing-name","group":"g","args":{},"attempts":0,"maxAttempts":1,"firstPushedAt":0,"lastPushedAt":0}"#
                        .utf8), "MalformedEnvelope", "name"
            ),
            ("bad-version", Array(wrongVersion.utf8), "MalformedEnvelope", "unsupported envelope version 99"),
            (
                "huge", rawEnvelope(id: "huge", name: "good", group: group, args: #"{"text":"\#(hugeText)"}"#), "MalformedEnvelope",
                "exceeds"
            ),
            ("unknown", rawEnvelope(id: "unknown", name: "rm -rf /", group: group), "UnknownJob", "rm -rf /"),
            ("bad-args", rawEnvelope(id: "bad-args", name: "good", group: group, args: #"{"text":42}"#), "InvalidArguments", "good"),
        ]
        for (id, payload, _, _) in items {
            _ = try await client.send(RedisCommand("HSET", [Array(jobsKey.utf8), Array(id.utf8), payload]))
            _ = try await client.send(RedisCommand("LPUSH", readyKey, id))
        }
        // An id in the ready list with no payload, and a duplicate id in the ready list: both are skipped.
        _ = try await client.send(RedisCommand("LPUSH", readyKey, "orphan-without-payload"))
        _ = try await client.send(RedisCommand("LPUSH", readyKey, "not-json"))

        let start = ContinuousClock.now
        var outcomes: [RunOutcome] = []
        while true {
            let outcome = try await deferrable.runOnce(waitingUpTo: .zero)
            if outcome == .empty { break }
            outcomes.append(outcome)
        }
        #expect(outcomes.count == items.count)
        let entries = try await errorEntries(deferrable)
        for (id, payload, type, fragment) in items {
            let record = try #require(entries[id], "\(id) is not in the error queue")
            #expect(record.type == type, "\(id): \(record.type): \(record.message)")
            #expect(record.message.contains(fragment), "\(id): \(record.message)")
            let stored = try #require(try await deferrable.backend.errorQueue.entry(id: id))
            if type == "MalformedEnvelope" {
                // A payload that does not decode is kept byte for byte.
                #expect(stored.payload == payload, "\(id): payload changed")
            } else {
                // A decodable one is kept with its attempts updated; id, name and arguments are unchanged.
                let original = try EnvelopeCodec.decode(payload, maxSize: .max)
                let kept = try #require(stored.envelope, "\(id): the stored payload does not decode")
                #expect(kept.id == original.id && kept.name == original.name && kept.argsJSON == original.argsJSON)
            }
        }
        #expect(ran.value.isEmpty)

        // A good job pushed afterwards still runs.
        let receipt = try await good.later(Good(text: "after the garbage"))
        #expect(try await deferrable.runOnce(waitingUpTo: .seconds(5)) == .completed(JobRef(id: receipt.id, name: "good", group: group)))
        let stats = try await deferrable.backend.queue.stats()
        #expect(stats.available == 0 && stats.inFlight == 0 && stats.delayed == 0)
        report("bad-payloads", ["items": items.count, "toErrorQueue": entries.count, "crashes": 0, "seconds": start.duration(to: .now)])
        try await deferrable.backend.queue.flush()
        _ = try await deferrable.backend.errorQueue.purge()
        await factory.close()
    }

    @Test("A reclaim count near Int64.max written into Redis sends the job to the error queue, without a trap")
    func hugeReclaimCount() async throws {
        let prefix = uniquePrefix("reclaims")
        let group = uniqueGroup()
        let factory = try makeQuietFactory(prefix: prefix)
        let deferrable = try Deferrable(factory: factory, group: group, logger: quietLogger())
        let good = try deferrable.register("good") { (_: Good, _: JobContext) in }
        let client = factory.client
        var envelope = try EnvelopeCodec.decode(rawEnvelope(id: "reclaimed", name: "good", group: group))
        // Lua reads counts as doubles: 2^63 - 1024 is the largest one it hands back exactly.
        envelope.attempts = Int(Int32.max)
        envelope.maxAttempts = Int(Int32.max)
        _ = try await client.send(
            RedisCommand(
                "HSET",
                [Array(redisKey(prefix: prefix, group: group, "jobs").utf8), Array("reclaimed".utf8), EnvelopeCodec.encode(envelope)]))
        _ = try await client.send(
            RedisCommand("HSET", redisKey(prefix: prefix, group: group, "reclaims"), "reclaimed", "9223372036854774784"))
        _ = try await client.send(RedisCommand("LPUSH", redisKey(prefix: prefix, group: group, "ready"), "reclaimed"))

        let outcome = try await deferrable.runOnce(waitingUpTo: .zero)
        guard case .failed(let ref, let reason) = outcome else {
            Issue.record("expected AttemptsExhausted, got \(outcome)")
            return
        }
        #expect(ref.id == "reclaimed" && reason.hasPrefix("AttemptsExhausted"))
        let after = try await good.later(Good(text: "next"))
        #expect(try await deferrable.runOnce(waitingUpTo: .seconds(5)) == .completed(JobRef(id: after.id, name: "good", group: group)))
        try await deferrable.backend.queue.flush()
        _ = try await deferrable.backend.errorQueue.purge()
        await factory.close()
    }

    @Test("A key of the wrong type raises a typed WRONGTYPE error; once fixed the consumer keeps going")
    func wrongKeyType() async throws {
        let prefix = uniquePrefix("type")
        let group = uniqueGroup()
        let factory = try makeQuietFactory(prefix: prefix)
        let deferrable = try Deferrable(factory: factory, group: group, logger: quietLogger())
        let good = try deferrable.register("good") { (_: Good, _: JobContext) in }
        let client = factory.client
        var typedErrors = 0

        for name in ["ready", "jobs", "inflight", "delayed"] {
            let key = redisKey(prefix: prefix, group: group, name)
            _ = try await client.send(RedisCommand("SET", key, "surprise"))
            let receipt = try? await good.later(Good(text: "while \(name) is a string"))
            do {
                let outcome = try await deferrable.runOnce(waitingUpTo: .zero)
                // `jobs` as a string fails in `later()` already; nothing is runnable then.
                #expect(receipt == nil && outcome == .empty, "\(name): runOnce returned \(outcome)")
            } catch let error as RedisError {
                #expect(error.serverErrorCode != nil, "\(name): \(error)")
                #expect(error.description.contains("WRONGTYPE"), "\(name): \(error)")
                typedErrors += 1
            }
            _ = try await client.send(RedisCommand("DEL", key))
            // Fixed: the consumer keeps going (jobs pushed before the fix may have been lost with the key).
            try await deferrable.backend.queue.flush()
            let after = try await good.later(Good(text: "after fixing \(name)"))
            #expect(
                try await deferrable.runOnce(waitingUpTo: .seconds(5)) == .completed(JobRef(id: after.id, name: "good", group: group)),
                "\(name): the consumer did not recover")
        }
        // A job runnable at once is pushed without touching the jobs hash: with that key of the wrong type, the pop
        // raises the typed error and leaves the job where it was, so it runs once the key is fixed.
        let jobsKey = redisKey(prefix: prefix, group: group, "jobs")
        _ = try await client.send(RedisCommand("SET", jobsKey, "surprise"))
        let kept = try await good.later(Good(text: "x"))
        await #expect(throws: RedisError.self) { _ = try await deferrable.runOnce(waitingUpTo: .zero) }
        #expect(try await deferrable.stats().available == 1)
        _ = try await client.send(RedisCommand("DEL", jobsKey))
        #expect(try await deferrable.runOnce(waitingUpTo: .seconds(5)) == .completed(JobRef(id: kept.id, name: "good", group: group)))
        #expect(typedErrors >= 3)
        report("wrong-key-type", ["keys": 4, "typedErrors": typedErrors, "crashes": 0])
        try await deferrable.backend.queue.flush()
        await factory.close()
    }
}
