import Deferrable
import Foundation
import Testing

@Suite("Envelope fixtures")
struct FixtureTests {
    @Test("the fixture folder holds every documented example")
    func folderComplete() throws {
        let names = try Fixtures.names()
        for expected in [
            "valid-minimal.json", "valid-full.json", "invalid-not-json.txt", "invalid-truncated.json",
            "invalid-wrong-version.json", "invalid-missing-field.json", "invalid-unknown-job.json",
            "invalid-args-type.json",
        ] {
            #expect(names.contains(expected), "missing fixture \(expected)")
        }
    }

    @Test("valid-minimal decodes with defaults for every optional field")
    func validMinimal() throws {
        let envelope = try EnvelopeCodec.decode(try Fixtures.bytes("valid-minimal.json"))
        #expect(envelope.id == "7d1f6c3e-5b1a-4c2e-9f00-000000000001")
        #expect(envelope.name == Fixtures.jobName)
        #expect(envelope.group == "fixtures")
        #expect(try JSONDecoder().decode(EchoArgs.self, from: Data(envelope.argsJSON)) == EchoArgs(text: "hello"))
        #expect(envelope.attempts == 0)
        #expect(envelope.maxAttempts == 5)
        #expect(envelope.firstPushedAt == 1_700_000_000_000)
        #expect(envelope.lastPushedAt == 1_700_000_000_000)
        #expect(envelope.notBefore == nil)
        #expect(envelope.ttlMillis == nil)
        #expect(envelope.timeLimitMillis == nil)
        #expect(envelope.metadata.isEmpty)
        #expect(envelope.backoff == .exponential())
    }

    @Test("valid-full decodes every optional field")
    func validFull() throws {
        let envelope = try EnvelopeCodec.decode(try Fixtures.bytes("valid-full.json"))
        #expect(envelope.id == "7d1f6c3e-5b1a-4c2e-9f00-000000000002")
        #expect(envelope.attempts == 2)
        #expect(envelope.maxAttempts == 7)
        #expect(envelope.firstPushedAt == 1_700_000_000_000)
        #expect(envelope.lastPushedAt == 1_700_000_012_345)
        #expect(envelope.notBefore == 1_700_000_015_000)
        #expect(envelope.ttlMillis == 3_600_000)
        #expect(envelope.timeLimitMillis == 30_000)
        #expect(envelope.metadata == ["request-id": "req-42", "trace": "00-abc-def-01"])
        #expect(envelope.backoff == .fixed(.milliseconds(2500)))
        let args = try JSONDecoder().decode(EchoArgs.self, from: Data(envelope.argsJSON))
        #expect(args.text == "full \"envelope\" with unicode é ✓")
    }

    @Test("re-encoding a decoded valid fixture decodes to the same value", arguments: ["valid-minimal.json", "valid-full.json"])
    func reencode(name: String) throws {
        let envelope = try EnvelopeCodec.decode(try Fixtures.bytes(name))
        #expect(try EnvelopeCodec.decode(EnvelopeCodec.encode(envelope)) == envelope)
    }

    @Test(
        "invalid fixtures give the expected EnvelopeError",
        arguments: [
            ("invalid-wrong-version.json", EnvelopeError.unsupportedVersion(2)),
            ("invalid-missing-field.json", EnvelopeError.invalidField("name")),
        ])
    func invalidFixture(name: String, expected: EnvelopeError) throws {
        let bytes = try Fixtures.bytes(name)
        #expect(throws: expected) { try EnvelopeCodec.decode(bytes) }
    }

    @Test("non-JSON and truncated fixtures are notJSON", arguments: ["invalid-not-json.txt", "invalid-truncated.json"])
    func notJSONFixture(name: String) throws {
        let bytes = try Fixtures.bytes(name)
        #expect {
            try EnvelopeCodec.decode(bytes)
        } throws: { error in
            guard case .notJSON = error as? EnvelopeError else { return false }
            return true
        }
    }

    @Test(
        "unknown job and bad argument types are valid envelopes (they fail only when run)",
        arguments: [
            "invalid-unknown-job.json", "invalid-args-type.json",
        ])
    func validAtCodecLevel(name: String) throws {
        _ = try EnvelopeCodec.decode(try Fixtures.bytes(name))
    }

    @Test("invalid-oversized: valid-minimal padded past a small maxSize is tooLarge")
    func oversized() throws {
        let padded = try Self.oversizedPayload(limit: 256)
        #expect(padded.count > 256)
        #expect(throws: EnvelopeError.tooLarge(size: padded.count, limit: 256)) {
            try EnvelopeCodec.decode(padded, maxSize: 256)
        }
        // The same bytes are a valid envelope without the limit: only the size is wrong.
        #expect(try EnvelopeCodec.decode(padded).name == Fixtures.jobName)
    }

    /// valid-minimal with its text argument padded so the payload is larger than `limit`.
    static func oversizedPayload(limit: Int) throws -> [UInt8] {
        var envelope = try EnvelopeCodec.decode(try Fixtures.bytes("valid-minimal.json"))
        envelope.argsJSON = Array(try JSONEncoder().encode(EchoArgs(text: String(repeating: "x", count: limit))))
        return EnvelopeCodec.encode(envelope)
    }
}
