import Deferrable
import DeferrableTestSupport
import Testing

@Suite("Option validation")
struct OptionValidationTests {
    struct InvalidCase: Sendable, CustomTestStringConvertible {
        let label: String
        let options: JobOptions
        /// Words the reason must contain.
        let mentions: [String]
        var testDescription: String { label }
    }

    static let registrationCases: [InvalidCase] = [
        InvalidCase(label: "maxAttempts 0", options: JobOptions(maxAttempts: 0), mentions: ["maxAttempts", "0"]),
        InvalidCase(label: "maxAttempts -1", options: JobOptions(maxAttempts: -1), mentions: ["maxAttempts", "-1"]),
        InvalidCase(label: "negative delay", options: JobOptions(delay: .seconds(-1)), mentions: ["delay", "negative"]),
        InvalidCase(label: "ttl 0", options: JobOptions(ttl: .seconds(0)), mentions: ["ttl", "positive"]),
        InvalidCase(label: "negative ttl", options: JobOptions(ttl: .milliseconds(-5)), mentions: ["ttl", "positive"]),
        InvalidCase(
            label: "fixed delay > fixed ttl", options: JobOptions(delay: .seconds(10), ttl: .seconds(5)), mentions: ["delay", "ttl"]),
        InvalidCase(label: "timeLimit 0", options: JobOptions(timeLimit: .zero), mentions: ["timeLimit", "positive"]),
        InvalidCase(label: "negative timeLimit", options: JobOptions(timeLimit: .seconds(-3)), mentions: ["timeLimit", "positive"]),
        InvalidCase(label: "maxAttempts Int.max", options: JobOptions(maxAttempts: .max), mentions: ["maxAttempts", "at most"]),
        InvalidCase(label: "ttl Int64.max ms", options: JobOptions(ttl: .milliseconds(.max)), mentions: ["ttl", "at most"]),
        InvalidCase(label: "ttl of infinite seconds", options: JobOptions(ttl: .seconds(.infinity)), mentions: ["ttl", "at most"]),
        InvalidCase(label: "ttl of NaN seconds", options: JobOptions(ttl: .seconds(.nan)), mentions: ["ttl"]),
        InvalidCase(label: "delay of NaN seconds", options: JobOptions(delay: .seconds(.nan)), mentions: ["delay"]),
        InvalidCase(
            label: "delay Int64.max s", options: JobOptions(delay: .fixed(.seconds(Int64.max))), mentions: ["delay", "at most"]),
        InvalidCase(
            label: "timeLimit Int64.max s", options: JobOptions(timeLimit: .seconds(Int64.max)), mentions: ["timeLimit", "at most"]),
        InvalidCase(
            label: "debounce window of infinite seconds", options: JobOptions(debounce: .leading(.seconds(.infinity))),
            mentions: ["debounce window", "at most"]),
        InvalidCase(
            label: "extend maxWait Int64.max s", options: JobOptions(debounce: .extend(.seconds(1), maxWait: .seconds(Int64.max))),
            mentions: ["maxWait", "at most"]),
    ]

    @Test("invalid fixed options throw invalidOption at registration", arguments: registrationCases)
    func invalidAtRegistration(invalid: InvalidCase) throws {
        let harness = try Harness()
        #expect {
            try harness.deferrable.register("bad-job", options: invalid.options) { (_: Payload, _) in }
        } throws: { error in
            guard case .invalidOption(let job, let reason) = error as? DeferrableError else { return false }
            return job == "bad-job" && invalid.mentions.allSatisfy { reason.contains($0) }
        }
        #expect(harness.deferrable.registeredJobNames.isEmpty)
    }

    struct InvalidDefaults: Sendable, CustomTestStringConvertible {
        let label: String
        let defaults: JobDefaults
        /// Words the message must contain.
        let mentions: [String]
        var testDescription: String { label }
    }

    static let defaultsCases: [InvalidDefaults] = [
        InvalidDefaults(label: "maxAttempts 0", defaults: JobDefaults(maxAttempts: 0), mentions: ["maxAttempts", "0"]),
        InvalidDefaults(label: "maxAttempts Int.max", defaults: JobDefaults(maxAttempts: .max), mentions: ["maxAttempts", "at most"]),
        InvalidDefaults(label: "lease 0", defaults: JobDefaults(lease: .zero), mentions: ["lease", "at least"]),
        InvalidDefaults(label: "negative lease", defaults: JobDefaults(lease: .seconds(-1)), mentions: ["lease", "at least"]),
        InvalidDefaults(label: "lease 1 ms", defaults: JobDefaults(lease: .milliseconds(1)), mentions: ["lease", "at least"]),
        InvalidDefaults(label: "lease Int64.max s", defaults: JobDefaults(lease: .seconds(Int64.max)), mentions: ["lease", "at most"]),
        InvalidDefaults(label: "maxEnvelopeBytes 0", defaults: JobDefaults(maxEnvelopeBytes: 0), mentions: ["maxEnvelopeBytes"]),
        InvalidDefaults(label: "maxEnvelopeBytes -1", defaults: JobDefaults(maxEnvelopeBytes: -1), mentions: ["maxEnvelopeBytes"]),
        InvalidDefaults(label: "timeLimit 0", defaults: JobDefaults(timeLimit: .zero), mentions: ["timeLimit", "positive"]),
        InvalidDefaults(
            label: "timeLimit Int64.max s", defaults: JobDefaults(timeLimit: .seconds(Int64.max)), mentions: ["timeLimit", "at most"]),
    ]

    @Test("invalid instance defaults are refused when the instance is made", arguments: defaultsCases)
    func invalidDefaults(invalid: InvalidDefaults) throws {
        #expect {
            try Deferrable(factory: MemoryBackendFactory(), group: uniqueGroup(), defaults: invalid.defaults)
        } throws: { error in
            guard let error = error as? DeferrableError else { return false }
            return invalid.mentions.allSatisfy { error.description.contains($0) }
        }
    }

    static let laterCases: [InvalidCase] = [
        InvalidCase(
            label: "computed delay > fixed ttl", options: JobOptions(delay: .computed { .seconds(10) }, ttl: .seconds(5)),
            mentions: ["delay", "ttl"]),
        InvalidCase(
            label: "fixed delay > computed ttl", options: JobOptions(delay: .seconds(10), ttl: .computed { .seconds(5) }),
            mentions: ["delay", "ttl"]),
        InvalidCase(
            label: "computed negative delay", options: JobOptions(delay: .computed { .seconds(-1) }), mentions: ["delay", "negative"]),
        InvalidCase(label: "computed ttl 0", options: JobOptions(ttl: .computed { .zero }), mentions: ["ttl", "positive"]),
        InvalidCase(
            label: "computed ttl Int64.max ms", options: JobOptions(ttl: .computed { .milliseconds(Int64.max) }),
            mentions: ["ttl", "at most"]),
        InvalidCase(
            label: "computed delay Int64.max s", options: JobOptions(delay: .computed { .seconds(Int64.max) }),
            mentions: ["delay", "at most"]),
    ]

    @Test("computed options are validated at later(), and nothing is pushed", arguments: laterCases)
    func invalidAtLater(invalid: InvalidCase) async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("computed-job", options: invalid.options) { (_: Payload, _) in }
        await #expect {
            try await handle.later(Payload(n: 1))
        } throws: { error in
            guard case .invalidOption(let job, let reason) = error as? DeferrableError else { return false }
            return job == "computed-job" && invalid.mentions.allSatisfy { reason.contains($0) }
        }
        #expect(try await harness.deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
        #expect(!harness.events.kinds.contains(.push))
    }

    @Test("a computed option is evaluated at each later()")
    func computedEvaluatedEachTime() async throws {
        let harness = try Harness()
        let calls = Locked(0)
        let handle = try harness.deferrable.register(
            "computed-each", options: JobOptions(delay: .computed { .seconds(Double(calls.increment())) })
        ) { (_: Payload, _) in }
        #expect(calls.value == 0, "a computed delay must not be evaluated at registration")
        let first = try await handle.later(Payload(n: 1))
        let second = try await handle.later(Payload(n: 2))
        #expect(calls.value == 2)
        #expect(first.runnableAt == harness.clock.nowMillis() + 1000)
        #expect(second.runnableAt == harness.clock.nowMillis() + 2000)
    }

    @Test("delay equal to ttl is allowed")
    func delayEqualTTL() throws {
        let harness = try Harness()
        try harness.deferrable.register("edge", options: JobOptions(delay: .seconds(5), ttl: .seconds(5))) { (_: Payload, _) in }
    }

    @Test("defaults: 5 attempts, nothing retried, exponential backoff, 30 s lease, 1 MiB envelopes, no time limit")
    func defaultValues() {
        let defaults = JobDefaults()
        #expect(defaults.maxAttempts == 5)
        #expect(!defaults.retry.shouldRetry(TransientError()))
        #expect(!defaults.retry.shouldRetry(PermanentError()))
        #expect(defaults.backoff == .exponential())
        #expect(defaults.lease == .seconds(30))
        #expect(defaults.maxEnvelopeBytes == 1 << 20)
        #expect(defaults.timeLimit == nil)
    }

    @Test("a job without options gets 5 attempts and retries nothing")
    func defaultsApplied() async throws {
        let harness = try Harness()
        let maxAttempts = Locked<[Int]>([])
        let handle = try harness.deferrable.register("plain") { (_: Payload, context) in
            maxAttempts.append(context.maxAttempts)
            throw TransientError()
        }
        let receipt = try await handle.later(Payload(n: 1))
        let outcome = try await harness.run()
        #expect(outcome.isFailed)
        #expect(maxAttempts.value == [5])
        let entry = try #require(try await harness.onlyErrorEntry())
        #expect(entry.id == receipt.id)
        #expect(entry.error.attempts == 1)
        #expect(entry.error.type == "TransientError")
        #expect(entry.envelope?.maxAttempts == 5)
    }

    @Test("instance defaults fill the options a job leaves out")
    func instanceDefaults() async throws {
        let harness = try Harness(defaults: JobDefaults(maxAttempts: 2, retry: .on(TransientError.self), backoff: .immediate))
        let runs = Locked(0)
        let handle = try harness.deferrable.register("uses-defaults") { (_: Payload, _) in
            runs.increment()
            throw TransientError()
        }
        try await handle.later(Payload(n: 1))
        let outcomes = try await harness.drain()
        #expect(runs.value == 2)
        #expect(outcomes.map(\.label) == ["retried", "failed"])
    }
}
