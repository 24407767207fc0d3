import Deferrable
import DeferrableTestSupport
import Foundation
import Testing

/// The envelope decoder never crashes, whatever it is fed; what it accepts re-encodes to what it decoded.
@Suite("Envelope decoder fuzz")
struct EnvelopeFuzzTests {
    static let seed: UInt64 = 0xDEFE_22AB_1E00_0008

    /// The package root: the first folder above this file holding a `Package.swift`.
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: ".")
    }()

    /// The seeds to mutate: every file in `Fixtures/envelopes/`, plus encoder output.
    static func corpus() -> [[UInt8]] {
        var seeds: [[UInt8]] = []
        let folder = packageRoot.appendingPathComponent("Fixtures/envelopes")
        if let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) {
            for name in names.sorted() {
                if let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) {
                    seeds.append(Array(data))
                }
            }
        }
        seeds.append(
            EnvelopeCodec.encode(
                JobEnvelope(
                    id: "fuzz-1", name: "fuzz-job", group: "fuzz", argsJSON: Array(#"{"a":[1,2,{"b":"c\"d"}],"e":null}"#.utf8),
                    attempts: 1, maxAttempts: 5, firstPushedAt: 1_700_000_000_000, notBefore: 1_700_000_001_000, ttlMillis: 60000,
                    metadata: ["trace": "t-1", "quote\"key": "line\nbreak"], backoff: .fixed(.seconds(2)), timeLimitMillis: 5000)))
        seeds.append(
            EnvelopeCodec.encode(
                JobEnvelope(id: "fuzz-2", name: "n", group: "g", argsJSON: Array("42".utf8), maxAttempts: 1, firstPushedAt: 0)))
        return seeds
    }

    /// JSON fragments that mutations splice in.
    static let tokens: [[UInt8]] = [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u0000", "\\ud800", "null", "true", "-0", "1e999", "-9223372036854775809",
        "9223372036854775807", "\"v\":1", "\"v\":2", "\"args\":", "\"id\":\"dup\"", "\"name\":\"\"", "\"maxAttempts\":0",
        "\"attempts\":-1", "\"ttl\":-5", " ", "\n", "\u{00}", "é", "\u{FEFF}",
    ].map { Array($0.utf8) }

    /// The envelope's numeric fields, for mutations that put extreme values into them.
    static let numericFields = ["attempts", "maxAttempts", "firstPushedAt", "lastPushedAt", "notBefore", "ttl", "timeLimit"]

    /// Numbers at, just outside and far outside the ranges of `docs/wire-format.md`, and non-integers.
    static let extremeNumbers = [
        "0", "1", "-1", "2", "2147483647", "2147483648", "3155760000000", "3155760000001", "253402300799999", "253402300800000",
        "9223372036854775807", "-9223372036854775808", "1700000000000", "9007199254740993", "null", "1.5", "1e3", "\"5\"",
    ]

    /// Values at the bounds of each field (and of the backoff's `ms`, last), which decode.
    static let boundaryNumbers: [[String]] = [
        ["0", "1", "2147483647"], ["1", "2", "2147483647"], ["0", "1700000000000", "253402300799999"],
        ["0", "1700000000000", "253402300799999"], ["0", "1700000000000", "253402300799999"], ["0", "1", "3155760000000"],
        ["1", "2", "3155760000000"], ["0", "1", "3155760000000"],
    ]

    /// A `"field":value` member with an extreme number in a numeric field or in the backoff: half the time a value at
    /// the field's bounds, otherwise any of ``extremeNumbers``.
    static func extremeMember(using random: inout SplitMix64) -> [UInt8] {
        let index = Int(random.next() % UInt64(numericFields.count + 1))
        let candidates = random.next() % 2 == 0 ? boundaryNumbers[index] : extremeNumbers
        let number = candidates[Int(random.next() % UInt64(candidates.count))]
        guard index < numericFields.count else {
            let kinds = ["none", "fixed", "exponential", "exponentialJitter"]
            let kind = kinds[Int(random.next() % UInt64(kinds.count))]
            return Array(#""backoff":{"kind":"\#(kind)","ms":\#(number)}"#.utf8)
        }
        return Array(#""\#(numericFields[index])":\#(number)"#.utf8)
    }

    /// `input` with 1–3 extreme members put first (where they win over the envelope's own values).
    static func withExtremeMembers(_ input: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        guard let brace = input.firstIndex(of: UInt8(ascii: "{")) else { return input }
        var members: [UInt8] = []
        for _ in 0...(random.next() % 3) { members += extremeMember(using: &random) + [UInt8(ascii: ",")] }
        var bytes = input
        bytes.insert(contentsOf: members, at: brace + 1)
        return bytes
    }

    /// Fuzz input number `index`: random bytes, JSON-ish noise, a mutated seed, or a seed with extreme numbers.
    static func input(_ index: Int, corpus: [[UInt8]], using random: inout SplitMix64) -> [UInt8] {
        switch index % 10 {
        case 0:  // random bytes
            return (0..<Int(random.next() % 256)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        case 1:  // random bytes inside braces, JSON-ish alphabet
            let alphabet = Array("{}[]\":,0123456789-.eE truefalsnl\\u".utf8)
            return [UInt8(ascii: "{")] + (0..<Int(random.next() % 128)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
        case 2, 3, 4:  // extreme numbers in an otherwise valid envelope
            return withExtremeMembers(corpus[Int(random.next() % UInt64(corpus.count))], using: &random)
        default:
            return mutate(corpus[Int(random.next() % UInt64(corpus.count))], using: &random)
        }
    }

    static func mutate(_ input: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        var bytes = input
        let operations = 1 + Int(random.next() % 4)
        for _ in 0..<operations {
            let position = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count + 1))
            switch random.next() % 8 {
            case 0:  // bit flip
                if !bytes.isEmpty {
                    let index = min(position, bytes.count - 1)
                    bytes[index] ^= UInt8(1) << (random.next() % 8)
                }
            case 1:  // truncation
                bytes.removeSubrange(position...)
            case 2:  // random byte insertion
                bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
            case 3:  // token insertion
                bytes.insert(contentsOf: tokens[Int(random.next() % UInt64(tokens.count))], at: position)
            case 4:  // deletion of a run
                let length = Int(random.next() % 16)
                bytes.removeSubrange(position..<min(bytes.count, position + length))
            case 5:  // duplicated key: repeat a `"key":value,` member right after the opening brace
                if let member = Self.randomMember(of: bytes, using: &random), let brace = bytes.firstIndex(of: UInt8(ascii: "{")) {
                    bytes.insert(contentsOf: member + [UInt8(ascii: ",")], at: brace + 1)
                }
            case 6:  // duplicate a slice
                let length = Int(random.next() % 32)
                let slice = Array(bytes[position..<min(bytes.count, position + length)])
                bytes.insert(contentsOf: slice, at: position)
            default:  // replace a digit run with an extreme number
                if let digit = bytes[position...].firstIndex(where: { $0 >= 0x30 && $0 <= 0x39 }) {
                    let extreme = ["99999999999999999999999", "-1", "0", "1.5", "1e3", "-0.0"][Int(random.next() % 6)]
                    bytes.replaceSubrange(digit..<(digit + 1), with: Array(extreme.utf8))
                }
            }
        }
        return bytes
    }

    /// A `"key":value` member of a flat-ish JSON object: from a quote after `{` or `,` to the next `,` at depth 0.
    static func randomMember(of bytes: [UInt8], using random: inout SplitMix64) -> [UInt8]? {
        let starts = bytes.indices.filter { index in
            (bytes[index] == UInt8(ascii: ",") || bytes[index] == UInt8(ascii: "{")) && index + 1 < bytes.count
        }
        guard !starts.isEmpty else { return nil }
        var index = starts[Int(random.next() % UInt64(starts.count))] + 1
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A { index += 1 }
        let start = index
        var depth = 0
        var inString = false
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                if depth == 0 { break }
                depth -= 1
            } else if byte == UInt8(ascii: ","), depth == 0 {
                break
            }
            index += 1
        }
        return index > start ? Array(bytes[start..<min(index, bytes.count)]) : nil
    }

    @Test("Random bytes and mutated fixtures: decode never crashes; accepted envelopes are in range and round-trip")
    func fuzzDecoder() throws {
        let total = FaultEnv.long ? 1_000_000 : 100_000
        var random = SplitMix64(seed: Self.seed)
        let corpus = Self.corpus()
        #expect(corpus.count >= 3)
        var decoded = 0
        var rejected: [String: Int] = [:]
        var roundTripFailures: [String] = []
        var outOfRange: [String] = []
        let start = ContinuousClock.now
        for index in 0..<total {
            let input = Self.input(index, corpus: corpus, using: &random)
            do {
                let envelope = try EnvelopeCodec.decode(input, maxSize: 1 << 20)
                decoded += 1
                if let field = Self.fieldOutOfRange(envelope), outOfRange.count < 5 {
                    outOfRange.append("\(field) in \(String(decoding: input.prefix(300), as: UTF8.self))")
                }
                // Property: what decodes re-encodes to an envelope that decodes to the same value.
                let again = try? EnvelopeCodec.decode(EnvelopeCodec.encode(envelope))
                if again != envelope, roundTripFailures.count < 5 {
                    roundTripFailures.append(String(decoding: input.prefix(300), as: UTF8.self))
                }
            } catch {
                let kind: String =
                    switch error {
                    case .notJSON: "notJSON"
                    case .unsupportedVersion: "unsupportedVersion"
                    case .invalidField: "invalidField"
                    case .tooLarge: "tooLarge"
                    case .idMismatch: "idMismatch"
                    }
                rejected[kind, default: 0] += 1
            }
        }
        let elapsed = start.duration(to: .now)
        #expect(decoded + rejected.values.reduce(0, +) == total)
        #expect(decoded > 0, "no mutation decoded: the corpus is not exercising the accepting path")
        #expect(roundTripFailures.isEmpty, "accepted envelopes that do not round-trip: \(roundTripFailures)")
        #expect(outOfRange.isEmpty, "accepted envelopes with a number out of range: \(outOfRange)")
        report(
            "fuzz",
            [
                "inputs": total, "seed": String(Self.seed, radix: 16), "decoded": decoded, "rejected": rejected.values.reduce(0, +),
                "byKind": rejected.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ","),
                "crashes": 0, "seconds": elapsed,
            ])
    }

    /// The first numeric field of an accepted envelope outside the ranges of ``EnvelopeBounds``, if any.
    static func fieldOutOfRange(_ envelope: JobEnvelope) -> String? {
        let checks: [(String, Int64?, ClosedRange<Int64>)] = [
            ("attempts", Int64(envelope.attempts), EnvelopeBounds.attempts),
            ("maxAttempts", Int64(envelope.maxAttempts), EnvelopeBounds.maxAttempts),
            ("firstPushedAt", envelope.firstPushedAt, EnvelopeBounds.time), ("lastPushedAt", envelope.lastPushedAt, EnvelopeBounds.time),
            ("notBefore", envelope.notBefore, EnvelopeBounds.time), ("ttl", envelope.ttlMillis, EnvelopeBounds.duration),
            ("timeLimit", envelope.timeLimitMillis, EnvelopeBounds.timeLimit),
            ("backoff", envelope.backoff.delay(forRetry: 1).wholeMilliseconds, EnvelopeBounds.duration),
        ]
        return checks.first { _, value, range in value.map { !range.contains($0) } ?? false }?.0
    }

    @Test("The size limit is checked before parsing")
    func sizeLimitFirst() {
        let big = [UInt8](repeating: UInt8(ascii: "{"), count: 5000)
        #expect(throws: EnvelopeError.tooLarge(size: 5000, limit: 4096)) { try EnvelopeCodec.decode(big, maxSize: 4096) }
        // Deep nesting below the limit is rejected, not a stack overflow.
        let deep =
            Array(#"{"v":1,"args":"#.utf8) + [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
            + [UInt8](repeating: UInt8(ascii: "]"), count: 100_000) + Array("}".utf8)
        #expect(throws: EnvelopeError.self) { try EnvelopeCodec.decode(deep) }
    }
}
