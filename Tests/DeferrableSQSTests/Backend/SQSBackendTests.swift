import Deferrable
import DeferrableTestSupport
import Foundation
import Testing

@testable import DeferrableSQS

/// What the SQS backend does beyond the shared behaviour suite: SQS's limits, bad input, and typed errors.
@Suite("SQS backend against the emulator", .enabled(if: SQSTestEndpoint.url != nil, "needs SQS_ENDPOINT"))
struct SQSBackendTests {
    struct Note: Codable, Sendable {
        var text: String
    }

    @Test("a delay longer than SQS holds a message is kept: the message is sent again when it is received early")
    func longDelay() async throws {
        var settings = SQSBackendSettings()
        settings.maximumNativeDelaySeconds = 1
        try await SQSBackendTestFactory.with(settings: settings) { factory in
            let queue = try factory.makeBackend(group: "long").queue
            let pushed = ContinuousClock.now
            try await queue.push(OutgoingJob(id: "far", payload: Array("later".utf8), delay: .seconds(3)))
            #expect(try await queue.pop(lease: .seconds(30), waitingUpTo: .milliseconds(1500)) == nil, "sent again, not returned")
            let job = try #require(try await queue.pop(lease: .seconds(30), waitingUpTo: .seconds(10)))
            #expect(pushed.duration(to: .now) >= .milliseconds(2900), "due 3 s after the push")
            #expect(job.id == "far")
            #expect(job.payload == Array("later".utf8))
            #expect(job.reclaims == 0, "the early receives are not lapsed leases")
            #expect(try await queue.settle(job, .complete()))
        }
    }

    @Test("a job too large for the queue is refused at later() with a typed error, and nothing is sent")
    func tooLarge() async throws {
        var settings = SQSBackendSettings()
        settings.maximumMessageBytes = 2048
        try await SQSBackendTestFactory.with(settings: settings) { factory in
            let deferrable = try Deferrable(factory: factory, group: "large")
            let job = try deferrable.register("note") { (_: Note, _) in }
            let error = try await #require(throws: SQSBackendError.self) {
                try await job.later(Note(text: String(repeating: "x", count: 4096)))
            }
            guard case .messageTooLarge(_, let size, let limit) = error else {
                Issue.record("expected messageTooLarge, got \(error)")
                return
            }
            #expect(size > 4096)
            #expect(limit == 2048 - SQSJobMessage.settlementHeadroom, "room is left for the job's retries")
            #expect(try await deferrable.stats().available == 0)
            _ = try await job.later(Note(text: "small"))
            #expect(try await deferrable.stats().available == 1)
        }
    }

    @Test("bytes an SQS body cannot carry travel base64-encoded and come back unchanged")
    func binaryPayload() async throws {
        try await SQSBackendTestFactory.with { factory in
            let queue = try factory.makeBackend(group: "bytes").queue
            let bytes: [UInt8] = [0, 1, 0xFF, 0xFE, 0x7F, 0x0B]
            try await queue.push(OutgoingJob(id: "raw", payload: bytes))
            let job = try #require(try await queue.pop(lease: .seconds(30), waitingUpTo: .seconds(5)))
            #expect(job.payload == bytes)
        }
    }

    @Test("a message that is not an envelope (sent by something else) goes to the error queue with the reason")
    func foreignMessage() async throws {
        try await SQSBackendTestFactory.with { factory in
            let deferrable = try Deferrable(factory: factory, group: "foreign")
            _ = try await deferrable.stats()  // creates the queues
            let client = try SQSTestEndpoint.client()
            let url = try await client.queueURL("\(factory.queuePrefix)-foreign")
            let messageID = try await client.send(SQSClient.OutgoingMessage(body: "{not json", delaySeconds: 0), to: url)
            let outcome = try await deferrable.runOnce(waitingUpTo: .seconds(5))
            #expect(outcome.label == "failed")
            let entry = try #require(try await deferrable.backend.errorQueue.entry(id: messageID))
            #expect(entry.error.type == "MalformedEnvelope")
            #expect(entry.payload == Array("{not json".utf8))
        }
    }

    @Test("a job whose lease lapses on every run ends in the error queue after maxAttempts (SQS's receive count)")
    func poisonJob() async throws {
        try await SQSBackendTestFactory.with { factory in
            let deferrable = try Deferrable(
                factory: factory, group: "poison", defaults: JobDefaults(maxAttempts: 2, lease: .seconds(1)))
            let job = try deferrable.register("note") { (_: Note, _) in }
            let id = try await job.later(Note(text: "stalls")).id
            for _ in 0..<2 {
                _ = try #require(try await deferrable.backend.queue.pop(lease: .seconds(1), waitingUpTo: .seconds(5)))
            }
            let outcome = try await deferrable.runOnce(waitingUpTo: .seconds(5))
            #expect(outcome.label == "failed")
            let entry = try #require(try await deferrable.backend.errorQueue.entry(id: id))
            #expect(entry.error.type == "AttemptsExhausted")
            #expect(entry.error.attempts == 2)
        }
    }

    @Test("a settlement repeated after its send took effect deletes the held message without sending a second copy")
    func repeatedSettlement() async throws {
        try await SQSBackendTestFactory.with { factory in
            let queue = try factory.makeBackend(group: "repeat").queue
            try await queue.push(OutgoingJob(id: "once", payload: Array("v1".utf8)))
            let held = try #require(try await queue.pop(lease: .seconds(30), waitingUpTo: .seconds(5)))
            // The first call sent the replacement, then its delete failed (a lost reply): that is what the memo holds.
            let group = try #require((queue as? SQSJobQueue)?.group)
            _ = try await group.client.send(
                SQSClient.OutgoingMessage(body: "v2", delaySeconds: 0, attributes: ["deferrable.id": "once"]),
                to: try await group.mainQueue().url)
            group.settlements.record(.sent, for: held.leaseToken)
            #expect(try await queue.settle(held, .requeue(payload: Array("v2".utf8), delay: .zero)))
            let next = try #require(try await queue.pop(lease: .seconds(30), waitingUpTo: .seconds(5)))
            #expect(next.payload == Array("v2".utf8))
            #expect(try await queue.settle(next, .complete()))
            #expect(try await queue.pop(lease: .seconds(30), waitingUpTo: .seconds(1)) == nil, "one copy only")
            #expect(group.settlements.progress(of: held.leaseToken) == nil, "finished settlements are forgotten")
        }
    }

    @Test("a long error message is cut to 8 KiB on the error queue; the record's other fields are kept")
    func longErrorMessage() async throws {
        try await SQSBackendTestFactory.with { factory in
            let backend = try factory.makeBackend(group: "reasons")
            try await backend.queue.push(OutgoingJob(id: "dead", payload: Array("p".utf8)))
            let held = try #require(try await backend.queue.pop(lease: .seconds(30), waitingUpTo: .seconds(5)))
            let record = ErrorRecord(
                type: "Boom", message: String(repeating: "é", count: 10_000), attempts: 3, host: "h", at: 1_700_000_000_000)
            #expect(try await backend.queue.settle(held, .deadLetter(payload: held.payload, error: record)))
            let entry = try #require(try await backend.errorQueue.entry(id: "dead"))
            #expect(entry.error.type == "Boom")
            #expect(entry.error.attempts == 3)
            #expect(entry.error.at == record.at)
            #expect(entry.error.message.utf8.count <= SQSJobMessage.maximumErrorMessageBytes + 3)
            #expect(record.message.hasPrefix(entry.error.message.dropLast()))
        }
    }

    @Test("with createsQueues off, a missing queue is SQS's QueueDoesNotExist")
    func requiredQueues() async throws {
        try await SQSBackendTestFactory.with(settings: SQSBackendSettings(createsQueues: false)) { factory in
            let queue = try factory.makeBackend(group: "absent").queue
            let error = try await #require(throws: SQSError.self) {
                try await queue.push(OutgoingJob(id: "x", payload: Array("p".utf8)))
            }
            #expect(error.code == "QueueDoesNotExist")
        }
    }

    @Test("a job near the size limit still reaches the error queue: its error message is cut to the room left")
    func largeJobDeadLetters() async throws {
        var settings = SQSBackendSettings()
        settings.maximumMessageBytes = 2048
        try await SQSBackendTestFactory.with(settings: settings) { factory in
            let backend = try factory.makeBackend(group: "full")
            let payload = Array(String(repeating: "p", count: 2048 - SQSJobMessage.settlementHeadroom - 40).utf8)
            try await backend.queue.push(OutgoingJob(id: "big", payload: payload))
            let held = try #require(try await backend.queue.pop(lease: .seconds(30), waitingUpTo: .seconds(5)))
            let record = ErrorRecord(type: "Boom", message: String(repeating: "m", count: 4000), attempts: 1, host: "h", at: 1)
            #expect(try await backend.queue.settle(held, .deadLetter(payload: held.payload, error: record)))
            let entry = try #require(try await backend.errorQueue.entry(id: "big"))
            #expect(entry.payload == payload, "the payload is kept whole")
            #expect(entry.error.type == "Boom")
            #expect(entry.error.message.count < 4000)
        }
    }

    @Test("a foreign message at the size limit reaches the error queue with its payload cut and its full size noted")
    func oversizedForeignMessage() async throws {
        var settings = SQSBackendSettings()
        settings.maximumMessageBytes = 2048
        try await SQSBackendTestFactory.with(settings: settings) { factory in
            let deferrable = try Deferrable(factory: factory, group: "foreign-full")
            _ = try await deferrable.stats()  // creates the queues
            let client = try SQSTestEndpoint.client()
            let url = try await client.queueURL("\(factory.queuePrefix)-foreign-full")
            let body = String(repeating: "z", count: 2040)
            let messageID = try await client.send(SQSClient.OutgoingMessage(body: body, delaySeconds: 0), to: url)
            #expect(try await deferrable.runOnce(waitingUpTo: .seconds(5)).label == "failed")
            let entry = try #require(try await deferrable.backend.errorQueue.entry(id: messageID))
            #expect(entry.error.type == "MalformedEnvelope")
            #expect(!entry.payload.isEmpty && entry.payload.count < 2040)
            #expect(Array(body.utf8).starts(with: entry.payload))
        }
    }

    @Test("an empty payload travels (SQS refuses an empty body) and comes back empty")
    func emptyPayload() async throws {
        try await SQSBackendTestFactory.with { factory in
            let queue = try factory.makeBackend(group: "empty").queue
            try await queue.push(OutgoingJob(id: "nothing", payload: []))
            let job = try #require(try await queue.pop(lease: .seconds(30), waitingUpTo: .seconds(5)))
            #expect(job.payload.isEmpty)
        }
    }

    @Test("a job id SQS cannot carry as an attribute is refused at the push with a typed error")
    func uncarriableID() async throws {
        try await SQSBackendTestFactory.with { factory in
            let queue = try factory.makeBackend(group: "ids").queue
            await #expect(throws: DeferrableError.self) {
                try await queue.pushBatch([
                    OutgoingJob(id: "fine", payload: Array("p".utf8)), OutgoingJob(id: "bad\u{FFFF}", payload: Array("p".utf8)),
                ])
            }
            #expect(try await queue.pop(lease: .seconds(30), waitingUpTo: .seconds(1)) == nil, "nothing of the batch was sent")
        }
    }
}
