import Deferrable
import Foundation
import Testing

@Suite("Envelope codec")
struct EnvelopeCodecTests {
    static let full = JobEnvelope(
        id: "c0ffee00-0000-4000-8000-000000000001",
        name: "send-mail",
        group: "mail",
        argsJSON: Array(#"{"to":"a@example.com","tags":["x","y"],"n":1.5,"ok":true,"none":null}"#.utf8),
        attempts: 3,
        maxAttempts: 9,
        firstPushedAt: 1_700_000_000_000,
        lastPushedAt: 1_700_000_004_000,
        notBefore: 1_700_000_010_000,
        ttlMillis: 86_400_000,
        metadata: ["trace": "00-abc-01", "request": "r\"1\"\\é"],
        backoff: .exponentialWithJitter(cap: .seconds(120)),
        timeLimitMillis: 15_000
    )

    static let minimal = JobEnvelope(
        id: "c0ffee00-0000-4000-8000-000000000002",
        name: "tick",
        group: "default",
        argsJSON: Array("{}".utf8),
        maxAttempts: 1,
        firstPushedAt: 0
    )

    @Test("decode(encode(x)) == x", arguments: [full, minimal])
    func roundTrip(envelope: JobEnvelope) throws {
        let decoded = try EnvelopeCodec.decode(EnvelopeCodec.encode(envelope))
        #expect(decoded == envelope)
    }

    @Test(
        "every backoff kind round trips",
        arguments: [
            Backoff.immediate, .fixed(.milliseconds(1234)), .exponential(), .exponential(cap: .seconds(60)),
            .exponentialWithJitter(),
        ])
    func backoffRoundTrip(backoff: Backoff) throws {
        var envelope = Self.minimal
        envelope.backoff = backoff
        #expect(try EnvelopeCodec.decode(EnvelopeCodec.encode(envelope)).backoff == backoff)
    }

    @Test("encoding is byte-stable: encode(decode(encode(x))) == encode(x)")
    func byteStable() throws {
        let bytes = EnvelopeCodec.encode(Self.full)
        #expect(EnvelopeCodec.encode(try EnvelopeCodec.decode(bytes)) == bytes)
    }

    @Test("the arguments are written and read back as the raw JSON text")
    func argsRaw() throws {
        let decoded = try EnvelopeCodec.decode(EnvelopeCodec.encode(Self.full))
        #expect(decoded.argsJSON == Self.full.argsJSON)
    }

    @Test("wire field names")
    func fieldNames() throws {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(EnvelopeCodec.encode(Self.full))) as? [String: Any])
        #expect(
            Set(object.keys)
                == [
                    "v", "id", "name", "group", "args", "attempts", "maxAttempts", "firstPushedAt", "lastPushedAt",
                    "notBefore", "ttl", "timeLimit", "metadata", "backoff",
                ])
        #expect(object["v"] as? Int == 1)
        #expect(object["id"] as? String == Self.full.id)
        #expect(object["attempts"] as? Int == 3)
        #expect(object["maxAttempts"] as? Int == 9)
        #expect((object["firstPushedAt"] as? NSNumber)?.int64Value == 1_700_000_000_000)
        #expect((object["lastPushedAt"] as? NSNumber)?.int64Value == 1_700_000_004_000)
        #expect((object["notBefore"] as? NSNumber)?.int64Value == 1_700_000_010_000)
        #expect((object["ttl"] as? NSNumber)?.int64Value == 86_400_000)
        #expect((object["timeLimit"] as? NSNumber)?.int64Value == 15_000)
        #expect(object["metadata"] as? [String: String] == Self.full.metadata)
        let backoff = try #require(object["backoff"] as? [String: Any])
        #expect(backoff["kind"] as? String == "exponentialJitter")
        #expect((backoff["ms"] as? NSNumber)?.int64Value == 120_000)
    }

    @Test("optional fields are left out when absent")
    func optionalFieldsOmitted() throws {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(EnvelopeCodec.encode(Self.minimal))) as? [String: Any])
        #expect(object["notBefore"] == nil)
        #expect(object["ttl"] == nil)
        #expect(object["timeLimit"] == nil)
    }

    @Test("decoding a payload with metadata and backoff left out uses the defaults")
    func decodeDefaults() throws {
        let bytes = Array(
            #"{"v":1,"id":"a","name":"n","group":"g","args":[1,2],"attempts":0,"maxAttempts":2,"firstPushedAt":5,"lastPushedAt":6}"#
                .utf8)
        let envelope = try EnvelopeCodec.decode(bytes)
        #expect(envelope.metadata == [:])
        #expect(envelope.backoff == .exponential())
        #expect(envelope.argsJSON == Array("[1,2]".utf8))
        #expect(envelope.notBefore == nil && envelope.ttlMillis == nil && envelope.timeLimitMillis == nil)
    }

    struct BadPayload: Sendable, CustomTestStringConvertible {
        let label: String
        let json: String
        let expected: EnvelopeError
        var testDescription: String { label }
    }

    static let header = #""id":"a","name":"n","group":"g","args":{},"firstPushedAt":1,"lastPushedAt":1"#

    static let badPayloads: [BadPayload] = [
        BadPayload(label: "empty object", json: "{}", expected: .invalidField("args")),
        BadPayload(label: "no args", json: #"{"v":1,"id":"a","name":"n"}"#, expected: .invalidField("args")),
        BadPayload(label: "version 0", json: #"{"v":0,\#(header),"attempts":0,"maxAttempts":1}"#, expected: .unsupportedVersion(0)),
        BadPayload(
            label: "negative attempts", json: #"{"v":1,\#(header),"attempts":-1,"maxAttempts":1}"#, expected: .invalidField("attempts")),
        BadPayload(
            label: "maxAttempts 0", json: #"{"v":1,\#(header),"attempts":0,"maxAttempts":0}"#, expected: .invalidField("maxAttempts")),
        BadPayload(
            label: "negative ttl", json: #"{"v":1,\#(header),"attempts":0,"maxAttempts":1,"ttl":-5}"#, expected: .invalidField("ttl")),
        BadPayload(
            label: "attempts as string", json: #"{"v":1,\#(header),"attempts":"0","maxAttempts":1}"#, expected: .invalidField("attempts")),
        BadPayload(label: "missing maxAttempts", json: #"{"v":1,\#(header),"attempts":0}"#, expected: .invalidField("maxAttempts")),
        BadPayload(
            label: "empty id",
            json: #"{"v":1,"id":"","name":"n","group":"g","args":{},"attempts":0,"maxAttempts":1,"firstPushedAt":1,"lastPushedAt":1}"#,
            expected: .invalidField("id")),
        BadPayload(
            label: "empty name",
            json: #"{"v":1,"id":"a","name":"","group":"g","args":{},"attempts":0,"maxAttempts":1,"firstPushedAt":1,"lastPushedAt":1}"#,
            expected: .invalidField("name")),
    ]

    @Test("invalid envelopes report what is wrong", arguments: badPayloads)
    func invalid(bad: BadPayload) {
        #expect(throws: bad.expected) { try EnvelopeCodec.decode(Array(bad.json.utf8)) }
    }

    @Test(
        "non-JSON and truncated payloads are notJSON",
        arguments: ["", "garbage", "[1,2,3]", "{\"args\":", "{\"v\":1,\"args\":{}", "\u{0}\u{1}"])
    func notJSON(text: String) {
        #expect {
            try EnvelopeCodec.decode(Array(text.utf8))
        } throws: { error in
            guard case .notJSON = error as? EnvelopeError else { return false }
            return true
        }
    }

    @Test("a metadata key that is not valid UTF-8 is refused, not repaired")
    func invalidUTF8MetadataKey() throws {
        let json = #"{"v":1,\#(Self.header),"attempts":0,"maxAttempts":1,"metadata":{"k\#u{1}":"x"}}"#
        var bytes = Array(json.utf8)
        // Replace the control character inside the key with a lone continuation byte.
        let index = bytes.firstIndex(of: 0x01)!
        bytes[index] = 0x80
        #expect(throws: EnvelopeError.invalidField("metadata")) { try EnvelopeCodec.decode(bytes) }
        // Escaped keys are decoded before use, and two spellings of one key keep the first value.
        let escaped = #"{"v":1,\#(Self.header),"attempts":0,"maxAttempts":1,"metadata":{"\u006b":"first","k":"second"}}"#
        #expect(try EnvelopeCodec.decode(Array(escaped.utf8)).metadata == ["k": "first"])
    }

    @Test("payloads over maxSize are refused before parsing")
    func tooLarge() throws {
        let bytes = EnvelopeCodec.encode(Self.minimal)
        #expect(throws: EnvelopeError.tooLarge(size: bytes.count, limit: bytes.count - 1)) {
            try EnvelopeCodec.decode(bytes, maxSize: bytes.count - 1)
        }
        #expect(try EnvelopeCodec.decode(bytes, maxSize: bytes.count) == Self.minimal)
    }

    @Test("TTL expiry is strict: expired only after firstPushedAt + ttl")
    func expiry() {
        var envelope = Self.minimal
        envelope.firstPushedAt = 1000
        envelope.ttlMillis = 500
        #expect(envelope.expiresAt == 1500)
        #expect(!envelope.isExpired(at: 1500))
        #expect(envelope.isExpired(at: 1501))
        envelope.ttlMillis = nil
        #expect(!envelope.isExpired(at: .max))
    }
}
