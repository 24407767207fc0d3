import DeferrableTestSupport
import Testing

@testable import Deferrable

/// The in-memory queue keeps envelopes made by `later()` as values: nothing is encoded at push or decoded at pop,
/// yet the bytes anyone reads are those the Redis backend would store, and the size limit holds to the byte.
@Suite("Envelopes kept as values")
struct EnvelopeValueTests {
    @Test("a later() job reaches the consumer as its envelope, and its bytes are that envelope encoded")
    func keptAsValue() async throws {
        let harness = try Harness()
        let echo = try harness.deferrable.register(Fixtures.jobName) { (_: EchoArgs, _) in }
        let receipt = try await echo.later(EchoArgs(text: "hi \"there\"\n"))
        let leased = try #require(try await harness.queue.pop(lease: .seconds(30), waitingUpTo: .zero))
        let envelope = try #require(leased.envelope)
        #expect(envelope.id == receipt.id)
        #expect(envelope.argsJSON == Array(#"{"text":"hi \"there\"\n"}"#.utf8))
        #expect(leased.payload == EnvelopeCodec.encode(envelope))
        #expect(try EnvelopeCodec.decode(leased.payload) == envelope)
    }

    @Test("a job pushed as bytes comes back as the same bytes, with no envelope")
    func bytesStayBytes() async throws {
        let harness = try Harness()
        let bytes = Array(#"{"not":"an envelope"}"#.utf8)
        try await harness.queue.push(OutgoingJob(id: "raw", payload: bytes))
        let leased = try #require(try await harness.queue.pop(lease: .seconds(30), waitingUpTo: .zero))
        #expect(leased.envelope == nil)
        #expect(leased.payload == bytes)
    }

    @Test("setting an outgoing job's payload replaces its envelope")
    func settingPayload() {
        var job = OutgoingJob(envelope: EnvelopeCodecTests.minimal)
        #expect(job.envelope == EnvelopeCodecTests.minimal)
        #expect(job.id == EnvelopeCodecTests.minimal.id)
        job.payload = [1, 2, 3]
        #expect(job.envelope == nil)
        #expect(job.payload == [1, 2, 3])
    }

    @Test(
        "maximumEncodedSize is never below the encoded size",
        arguments: [
            EnvelopeCodecTests.full, EnvelopeCodecTests.minimal,
            JobEnvelope(
                id: String(repeating: "\u{1}", count: 40), name: "\"\\\u{1f}/", group: "g\t",
                argsJSON: Array("[]".utf8), attempts: Int(Int32.max), maxAttempts: Int(Int32.max),
                firstPushedAt: .min, lastPushedAt: .min, notBefore: .min, ttlMillis: .max,
                metadata: [String(repeating: "\u{0}", count: 9): String(repeating: "\u{8}\u{c}é", count: 50), "": ""],
                backoff: .exponentialWithJitter(cap: .seconds(Int64.max / 1000)), timeLimitMillis: .min),
        ])
    func boundHolds(envelope: JobEnvelope) {
        #expect(EnvelopeCodec.maximumEncodedSize(envelope) >= EnvelopeCodec.encode(envelope).count)
    }

    @Test("an envelope exactly at maxEnvelopeBytes is accepted and runs; one byte more is refused")
    func limitToTheByte() async throws {
        let args = EchoArgs(text: String(repeating: "y", count: 100))
        let probe = try Harness()
        _ = try await probe.deferrable.register(Fixtures.jobName) { (_: EchoArgs, _) in }.later(args)
        let size = try #require(try await probe.queue.pop(lease: .seconds(30), waitingUpTo: .zero)).payload.count
        // The bound (512 bytes of slack and more) is above the limit, so the envelope is encoded to be measured.
        let harness = try Harness(defaults: JobDefaults(maxEnvelopeBytes: size))
        let ran = Locked(0)
        let echo = try harness.deferrable.register(Fixtures.jobName) { (_: EchoArgs, _) in ran.withLock { $0 += 1 } }
        let receipt = try await echo.later(args)
        #expect(try await harness.run() == .completed(JobRef(id: receipt.id, name: Fixtures.jobName, group: harness.group)))
        #expect(ran.value == 1)
        await #expect {
            try await echo.later(EchoArgs(text: args.text + "y"))
        } throws: { error in
            guard case .envelopeTooLarge(_, let actual, let limit) = error as? DeferrableError else { return false }
            return actual == size + 1 && limit == size
        }
    }
}
