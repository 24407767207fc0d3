import Deferrable
import DeferrableTestSupport
import Testing

/// Numbers in envelopes and options come from outside: out-of-range values are refused with a reason, and no value
/// makes the consumer trap.
@Suite("Numeric bounds")
struct NumericBoundsTests {
    /// 100 years of 365.25 days, in milliseconds: the longest duration an envelope or an option may carry.
    static let longestMillis: Int64 = 3_155_760_000_000
    /// 9999-12-31T23:59:59.999Z: the latest time an envelope may carry.
    static let latestMillis: Int64 = 253_402_300_799_999

    /// An envelope of job `numbers` as JSON text, with `extra` members first (the first occurrence of a key wins).
    static func envelope(id: String = "raw-job", _ extra: String = "") -> [UInt8] {
        let head = extra.isEmpty ? "" : extra + ","
        return Array(
            (#"{\#(head)"v":1,"id":"\#(id)","name":"numbers","group":"g","args":{"n":1},"attempts":0,"maxAttempts":3,"#
                + #""firstPushedAt":1700000000000,"lastPushedAt":1700000000000}"#).utf8)
    }

    struct FieldCase: Sendable, CustomTestStringConvertible {
        let member: String
        let field: String
        var testDescription: String { member }
    }

    static let outOfRange: [FieldCase] = [
        FieldCase(member: #""ttl":9223372036854775807"#, field: "ttl"),
        FieldCase(member: #""ttl":3155760000001"#, field: "ttl"),
        FieldCase(member: #""timeLimit":0"#, field: "timeLimit"),
        FieldCase(member: #""timeLimit":-1"#, field: "timeLimit"),
        FieldCase(member: #""timeLimit":9223372036854775807"#, field: "timeLimit"),
        FieldCase(member: #""notBefore":9223372036854775807"#, field: "notBefore"),
        FieldCase(member: #""notBefore":-1"#, field: "notBefore"),
        FieldCase(member: #""firstPushedAt":-9223372036854775808"#, field: "firstPushedAt"),
        FieldCase(member: #""firstPushedAt":253402300800000"#, field: "firstPushedAt"),
        FieldCase(member: #""lastPushedAt":9223372036854775807"#, field: "lastPushedAt"),
        FieldCase(member: #""backoff":{"kind":"fixed","ms":9223372036854775807}"#, field: "backoff"),
        FieldCase(member: #""backoff":{"kind":"exponential","ms":3155760000001}"#, field: "backoff"),
        FieldCase(member: #""attempts":2147483648"#, field: "attempts"),
        FieldCase(member: #""maxAttempts":2147483648"#, field: "maxAttempts"),
    ]

    @Test("every numeric field out of its documented range is refused at decode, naming the field", arguments: outOfRange)
    func outOfRangeRefused(invalid: FieldCase) {
        #expect(throws: EnvelopeError.invalidField(invalid.field)) { try EnvelopeCodec.decode(Self.envelope(invalid.member)) }
    }

    static let atTheBounds: [String] = [
        #""ttl":0"#, #""ttl":3155760000000"#, #""timeLimit":1"#, #""timeLimit":3155760000000"#, #""notBefore":0"#,
        #""notBefore":253402300799999"#, #""firstPushedAt":0"#, #""lastPushedAt":253402300799999"#,
        #""backoff":{"kind":"fixed","ms":3155760000000}"#, #""attempts":2147483647"#, #""maxAttempts":2147483647"#,
    ]

    @Test("values at the bounds are accepted", arguments: atTheBounds)
    func boundsAccepted(member: String) throws {
        _ = try EnvelopeCodec.decode(Self.envelope(member))
    }

    @Test("an envelope with ttl Int64.max goes to the error queue, and the consumer keeps going")
    func hugeTTL() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("numbers") { (_: Payload, _) in }
        try await harness.queue.push(OutgoingJob(id: "raw-job", payload: Self.envelope(#""ttl":9223372036854775807"#)))
        let good = try await handle.later(Payload(n: 2))
        let outcome = try await harness.run()
        guard case .failed(_, let reason) = outcome else {
            Issue.record("expected the envelope to go to the error queue, got \(outcome)")
            return
        }
        #expect(reason.hasPrefix("MalformedEnvelope") && reason.contains("ttl"))
        #expect(try await harness.run() == .completed(JobRef(id: good.id, name: "numbers", group: harness.group)))
    }

    @Test("attempts are checked before the TTL: a job both expired and out of attempts goes to the error queue")
    func attemptsBeforeTTL() async throws {
        let harness = try Harness()
        try harness.deferrable.register("numbers") { (_: Payload, _) in }
        let payload = Self.envelope(#""attempts":3,"ttl":1,"firstPushedAt":0"#)
        try await harness.queue.push(OutgoingJob(id: "raw-job", payload: payload))
        let outcome = try await harness.run()
        guard case .failed(_, let reason) = outcome else {
            Issue.record("expected AttemptsExhausted, got \(outcome)")
            return
        }
        #expect(reason.hasPrefix("AttemptsExhausted"))
        #expect(try await harness.deferrable.errors.count() == 1)
    }

    @Test("a fixed backoff of Int64.max ms is clamped to the longest duration and the retry does not trap")
    func hugeFixedBackoff() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register(
            "numbers", options: JobOptions(retry: .always, backoff: .fixed(.milliseconds(Int64.max)))
        ) { (_: Payload, _) in throw TransientError() }
        let receipt = try await handle.later(Payload(n: 1))
        let outcome = try await harness.run()
        let ref = JobRef(id: receipt.id, name: "numbers", group: harness.group)
        #expect(outcome == .retried(ref, attempt: 1, delay: .milliseconds(Self.longestMillis)))
        #expect(try await harness.deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 1, errors: 0))
    }

    @Test("backoffs built from durations beyond Int64 milliseconds are clamped, never a trap")
    func backoffFactoriesClamp() {
        #expect(Backoff.fixed(.seconds(Int64.max)).delay(forRetry: 1) == .milliseconds(Self.longestMillis))
        #expect(Backoff.exponential(cap: .seconds(Int64.max)).delay(forRetry: 1) == .seconds(4))
        #expect(Backoff.exponentialWithJitter(cap: .seconds(Int64.max)).delay(forRetry: 60) <= .milliseconds(Self.longestMillis))
        #expect(Backoff.fixed(.seconds(-5)) == .fixed(.zero))
    }

    @Test("reschedule(after: .seconds(Int64.max)) is clamped to the longest duration")
    func hugeReschedule() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("numbers") { (_: Payload, _) in
            throw JobControl.reschedule(after: .seconds(Int64.max))
        }
        let receipt = try await handle.later(Payload(n: 1))
        let outcome = try await harness.run()
        let ref = JobRef(id: receipt.id, name: "numbers", group: harness.group)
        #expect(outcome == .rescheduled(ref, delay: .milliseconds(Self.longestMillis)))
        #expect(try await harness.deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 1, errors: 0))
    }

    @Test("time arithmetic saturates: a retry near the end of the clock's range is scheduled at the last instant")
    func saturatingTime() async throws {
        let clock = ManualClock(startMillis: .max - 1000)
        let factory = MemoryBackendFactory(clock: clock)
        let deferrable = try Deferrable(factory: factory, group: uniqueGroup(), clock: clock)
        let handle = try deferrable.register(
            "numbers", options: JobOptions(retry: .always, backoff: .fixed(.seconds(10)), delay: .seconds(5))
        ) { (_: Payload, _) in throw TransientError() }
        let receipt = try await handle.later(Payload(n: 1))
        #expect(receipt.runnableAt == .max)
        clock.advance(by: .seconds(Int64.max))
        #expect(clock.nowMillis() == .max)
        let outcome = try await deferrable.runOnce(waitingUpTo: .zero)
        #expect(outcome.isRetried)
        let stats = try await deferrable.stats()
        #expect(stats.available + stats.delayed == 1 && stats.inFlight == 0 && stats.errors == 0)
    }
}
