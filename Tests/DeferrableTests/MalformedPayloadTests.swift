import Deferrable
import DeferrableTestSupport
import Foundation
import Testing

@Suite("Malformed payloads")
struct MalformedPayloadTests {
    static let maxEnvelopeBytes = 512

    enum Case: String, CaseIterable, Sendable {
        case notJSON = "invalid-not-json.txt"
        case truncated = "invalid-truncated.json"
        case wrongVersion = "invalid-wrong-version.json"
        case missingField = "invalid-missing-field.json"
        case unknownJob = "invalid-unknown-job.json"
        case argsType = "invalid-args-type.json"
        case oversized = "invalid-oversized (generated)"
        case emptyPayload = "empty payload (generated)"
        case jsonArray = "JSON array (generated)"

        var payload: [UInt8] {
            get throws {
                switch self {
                case .oversized: try FixtureTests.oversizedPayload(limit: MalformedPayloadTests.maxEnvelopeBytes)
                case .emptyPayload: []
                case .jsonArray: Array("[1,2,3]".utf8)
                default: try Fixtures.bytes(rawValue)
                }
            }
        }

        var expectedType: String {
            switch self {
            case .unknownJob: "UnknownJob"
            case .argsType: "InvalidArguments"
            default: "MalformedEnvelope"
            }
        }

        /// Words the error message must contain.
        var mentions: [String] {
            switch self {
            case .notJSON, .truncated, .emptyPayload, .jsonArray: ["JSON"]
            case .wrongVersion: ["version 2"]
            case .missingField: ["name"]
            case .unknownJob: ["no-such-job"]
            case .argsType: [Fixtures.jobName]
            case .oversized: ["exceeds", "\(MalformedPayloadTests.maxEnvelopeBytes)"]
            }
        }
    }

    @Test("a bad payload goes to the error queue with the reason, and the next good job still runs", arguments: Case.allCases)
    func badPayload(kind: Case) async throws {
        let harness = try Harness(defaults: JobDefaults(maxEnvelopeBytes: Self.maxEnvelopeBytes))
        let seen = Locked<[String]>([])
        let echo = try harness.deferrable.register(Fixtures.jobName) { (args: EchoArgs, _) in seen.append(args.text) }
        let payload = try kind.payload
        // A payload that decodes is queued under its envelope's id (another id is itself a malformed envelope).
        let id = (try? EnvelopeCodec.decode(payload).id) ?? "bad-job"
        try await harness.queue.push(OutgoingJob(id: id, payload: payload))
        let good = try await echo.later(EchoArgs(text: "good"))

        let outcome = try await harness.run()
        guard case .failed(let ref, let reason) = outcome else {
            Issue.record("expected the bad payload to fail, got \(outcome)")
            return
        }
        #expect(ref.id == id)
        #expect(reason.hasPrefix(kind.expectedType))
        #expect(try await harness.run() == .completed(JobRef(id: good.id, name: Fixtures.jobName, group: harness.group)))
        #expect(seen.value == ["good"])

        let entry = try #require(try await harness.onlyErrorEntry())
        #expect(entry.id == id)
        #expect(entry.error.type == kind.expectedType)
        for word in kind.mentions {
            #expect(entry.error.message.contains(word), "message '\(entry.error.message)' should mention '\(word)'")
        }
        #expect(!entry.error.host.isEmpty)
        if kind.expectedType == "MalformedEnvelope" {
            #expect(entry.payload == payload, "an unreadable payload is kept byte for byte")
            #expect(entry.error.attempts == 1)
        } else {
            #expect(entry.envelope != nil)
        }
        #expect(try await harness.deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 1))
    }

    @Test("a malformed payload emits pop with the queue id and name '?'")
    func malformedRef() async throws {
        let harness = try Harness()
        try await harness.queue.push(OutgoingJob(id: "opaque", payload: Array("%%%".utf8)))
        let outcome = try await harness.run()
        #expect(outcome.job == JobRef(id: "opaque", name: "?", group: harness.group))
        #expect(harness.events.events.first?.kind == .pop)
        #expect(harness.events.events.first?.envelope == nil)
    }

    @Test("a valid fixture runs when its job is registered")
    func validFixtureRuns() async throws {
        let harness = try Harness()
        let seen = Locked<[String]>([])
        try harness.deferrable.register(Fixtures.jobName) { (args: EchoArgs, _) in seen.append(args.text) }
        let bytes = try Fixtures.bytes("valid-minimal.json")
        let id = try EnvelopeCodec.decode(bytes).id
        try await harness.queue.push(OutgoingJob(id: id, payload: bytes))
        #expect(try await harness.run() == .completed(JobRef(id: id, name: Fixtures.jobName, group: "fixtures")))
        #expect(seen.value == ["hello"])
    }

    @Test("later() refuses an envelope over maxEnvelopeBytes and pushes nothing")
    func oversizedAtLater() async throws {
        let harness = try Harness(defaults: JobDefaults(maxEnvelopeBytes: 300))
        let echo = try harness.deferrable.register(Fixtures.jobName) { (_: EchoArgs, _) in }
        await #expect {
            try await echo.later(EchoArgs(text: String(repeating: "y", count: 400)))
        } throws: { error in
            guard case .envelopeTooLarge(let job, let size, let limit) = error as? DeferrableError else { return false }
            return job == Fixtures.jobName && size > 300 && limit == 300
        }
        #expect(try await harness.deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
    }

    @Test("arguments that cannot be encoded throw argumentsNotEncodable")
    func notEncodable() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("double") { (_: Double, _) in }
        await #expect {
            try await handle.later(.infinity)
        } throws: { error in
            guard case .argumentsNotEncodable(let job, _) = error as? DeferrableError else { return false }
            return job == "double"
        }
        #expect(try await harness.deferrable.stats().available == 0)
    }
}
