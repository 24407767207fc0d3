import Deferrable
import DeferrableTestSupport
import Testing

@Suite("Retry")
struct RetryTests {
    /// Registers a job that throws `error()` on every run and counts its runs.
    static func failingJob(
        _ harness: Harness,
        options: JobOptions,
        error: @escaping @Sendable () -> any Error
    ) throws -> (JobHandle<Payload>, Locked<[Int]>) {
        let attempts = Locked<[Int]>([])
        let handle = try harness.deferrable.register("failing", options: options) { (_: Payload, context) in
            attempts.append(context.attempt)
            throw error()
        }
        return (handle, attempts)
    }

    @Test("an error of a listed type retries")
    func listedTypeRetries() async throws {
        let harness = try Harness()
        let (handle, attempts) = try Self.failingJob(
            harness, options: JobOptions(retry: .on(TransientError.self), backoff: .immediate), error: { TransientError() })
        let receipt = try await handle.later(Payload(n: 1))
        let outcome = try await harness.run()
        #expect(outcome == .retried(JobRef(id: receipt.id, name: "failing", group: harness.group), attempt: 1, delay: .zero))
        #expect(attempts.value == [1])
        #expect(try await harness.deferrable.stats() == QueueStats(available: 1, inFlight: 0, delayed: 0, errors: 0))
    }

    @Test("an unlisted error goes to the error queue on the first failure")
    func unlistedGoesToErrorQueue() async throws {
        let harness = try Harness()
        let (handle, attempts) = try Self.failingJob(
            harness, options: JobOptions(maxAttempts: 5, retry: .on(TransientError.self)), error: { PermanentError() })
        let receipt = try await handle.later(Payload(n: 1))
        let outcome = try await harness.run()
        #expect(outcome.isFailed)
        #expect(try await harness.run() == .empty)
        #expect(attempts.value == [1])
        let entry = try #require(try await harness.onlyErrorEntry())
        #expect(entry.id == receipt.id)
        #expect(entry.error.type == "PermanentError")
        #expect(entry.error.message == "permanent failure for the test")
        #expect(entry.error.attempts == 1)
    }

    @Test("retry types match like `is`: a subclass of a listed class retries")
    func classHierarchy() async throws {
        let harness = try Harness()
        let (handle, attempts) = try Self.failingJob(
            harness, options: JobOptions(maxAttempts: 3, retry: .on(NetworkError.self), backoff: .immediate),
            error: { ConnectionReset() })
        try await handle.later(Payload(n: 1))
        let outcomes = try await harness.drain()
        #expect(outcomes.map(\.label) == ["retried", "retried", "failed"])
        #expect(attempts.value == [1, 2, 3])
        #expect(try await harness.onlyErrorEntry()?.error.type == "ConnectionReset")
    }

    @Test("a superclass error does not match a listed subclass")
    func superclassDoesNotMatchSubclass() {
        let policy = RetryPolicy.on(ConnectionReset.self)
        #expect(policy.shouldRetry(ConnectionReset()))
        #expect(!policy.shouldRetry(NetworkError()))
        #expect(!policy.shouldRetry(TransientError()))
    }

    @Test("policies: on(list), when(predicate), always, never, or")
    func policies() {
        let on = RetryPolicy.on([TransientError.self, NetworkError.self])
        #expect(on.shouldRetry(TransientError()))
        #expect(on.shouldRetry(ConnectionReset()))
        #expect(!on.shouldRetry(PermanentError()))
        let when = RetryPolicy.when { ($0 as? TransientError)?.code == 503 }
        #expect(when.shouldRetry(TransientError(code: 503)))
        #expect(!when.shouldRetry(TransientError(code: 400)))
        #expect(RetryPolicy.always.shouldRetry(PermanentError()))
        #expect(!RetryPolicy.never.shouldRetry(TransientError()))
        let either = RetryPolicy.on(PermanentError.self).or(.when { $0 is TransientError })
        #expect(either.shouldRetry(PermanentError()))
        #expect(either.shouldRetry(TransientError()))
        #expect(!either.shouldRetry(NetworkError()))
    }

    @Test("a .when predicate decides per error value")
    func whenPredicate() async throws {
        let harness = try Harness()
        let codes = Locked<[Int]>([503, 400])
        let attempts = Locked<[Int]>([])
        let handle = try harness.deferrable.register(
            "predicate",
            options: JobOptions(retry: .when { ($0 as? TransientError)?.code == 503 }, backoff: .immediate)
        ) { (_: Payload, context) in
            attempts.append(context.attempt)
            let code = codes.withLock { $0.removeFirst() }
            throw TransientError(code: code)
        }
        try await handle.later(Payload(n: 1))
        let outcomes = try await harness.drain()
        #expect(outcomes.map(\.label) == ["retried", "failed"])
        #expect(attempts.value == [1, 2])
        #expect(try await harness.onlyErrorEntry()?.error.attempts == 2)
    }

    @Test("a job that always fails runs exactly maxAttempts times", arguments: [1, 2, 3, 5])
    func exactlyMaxAttempts(maxAttempts: Int) async throws {
        let harness = try Harness()
        let (handle, attempts) = try Self.failingJob(
            harness, options: JobOptions(maxAttempts: maxAttempts, retry: .always, backoff: .immediate), error: { TransientError() })
        try await handle.later(Payload(n: 1))
        let outcomes = try await harness.drain()
        #expect(attempts.value == Array(1...maxAttempts))
        #expect(outcomes.filter(\.isRetried).count == maxAttempts - 1)
        #expect(outcomes.last?.isFailed == true)
        let entry = try #require(try await harness.onlyErrorEntry())
        #expect(entry.error.attempts == maxAttempts)
        #expect(entry.error.type == "TransientError")
        #expect(entry.envelope?.attempts == maxAttempts)
    }

    @Test("a retry keeps id, firstPushedAt, metadata and TTL, and counts attempts in context")
    func retryKeepsIdentity() async throws {
        let harness = try Harness()
        try harness.deferrable.addMetadataProvider(FixedMetadata(namespace: "req", value: "r-1"))
        let contexts = Locked<[(id: String, attempt: Int, first: Int64, metadata: [String: String])]>([])
        let handle = try harness.deferrable.register(
            "keeps", options: JobOptions(maxAttempts: 3, retry: .always, backoff: .immediate, ttl: .seconds(3600))
        ) { (_: Payload, context) in
            contexts.append((context.id, context.attempt, context.firstPushedAt, context.metadata))
            throw TransientError()
        }
        let receipt = try await handle.later(Payload(n: 1))
        let pushedAt = harness.clock.nowMillis()
        for _ in 0..<3 {
            harness.clock.advance(by: .seconds(10))
            try await harness.run()
        }
        let seen = contexts.value
        #expect(seen.map(\.attempt) == [1, 2, 3])
        #expect(seen.allSatisfy { $0.id == receipt.id && $0.first == pushedAt && $0.metadata == ["req": "r-1"] })
        let retryEnvelopes = harness.events.events.filter { $0.kind == .retry }.compactMap(\.envelope)
        #expect(retryEnvelopes.count == 2)
        #expect(retryEnvelopes.map(\.attempts) == [1, 2])
        #expect(retryEnvelopes.allSatisfy { $0.ttlMillis == 3_600_000 && $0.firstPushedAt == pushedAt && $0.id == receipt.id })
        #expect(retryEnvelopes.last?.lastPushedAt == pushedAt + 20_000)
    }

    @Test("the initial delay is not applied again on retry")
    func initialDelayNotReapplied() async throws {
        let harness = try Harness()
        let (handle, attempts) = try Self.failingJob(
            harness, options: JobOptions(maxAttempts: 2, retry: .always, backoff: .immediate, delay: .seconds(60)),
            error: { TransientError() })
        let receipt = try await handle.later(Payload(n: 1))
        #expect(receipt.disposition == .delayed)
        #expect(try await harness.run() == .empty)
        harness.clock.advance(by: .seconds(60))
        #expect(try await harness.run().isRetried)
        // Runnable at once: neither the 60 s delay nor a backoff applies.
        #expect(try await harness.run().isFailed)
        #expect(attempts.value == [1, 2])
    }

    @Test("the retry delay of the first retries follows the exponential backoff: 4 s, 6 s, 10 s")
    func retryFollowsExponentialBackoff() async throws {
        let harness = try Harness()
        let (handle, attempts) = try Self.failingJob(
            harness, options: JobOptions(maxAttempts: 4, retry: .always), error: { TransientError() })
        let receipt = try await handle.later(Payload(n: 1))
        let ref = JobRef(id: receipt.id, name: "failing", group: harness.group)
        #expect(try await harness.run() == .retried(ref, attempt: 1, delay: .seconds(4)))
        for (retry, seconds) in [(1, 4), (2, 6), (3, 10)] {
            harness.clock.advance(by: .milliseconds(Int64(seconds) * 1000 - 1))
            #expect(try await harness.run() == .empty, "retry \(retry) must not run before \(seconds) s")
            #expect(try await harness.deferrable.stats().delayed == 1)
            harness.clock.advance(by: .milliseconds(1))
            let outcome = try await harness.run()
            if retry < 3 {
                #expect(outcome == .retried(ref, attempt: retry + 1, delay: .seconds([4, 6, 10][retry])))
            } else {
                #expect(outcome.isFailed)
            }
        }
        #expect(attempts.value == [1, 2, 3, 4])
    }

    @Test("the retry delay is carried in the envelope as notBefore")
    func retryNotBefore() async throws {
        let harness = try Harness()
        let (handle, _) = try Self.failingJob(
            harness, options: JobOptions(maxAttempts: 2, retry: .always, backoff: .fixed(.seconds(7))), error: { TransientError() })
        try await handle.later(Payload(n: 1))
        let now = harness.clock.nowMillis()
        try await harness.run()
        let retried = try #require(harness.events.events.first { $0.kind == .retry }?.envelope)
        #expect(retried.notBefore == now + 7000)
        #expect(retried.lastPushedAt == now)
        #expect(retried.attempts == 1)
    }
}

/// A metadata provider that writes a fixed value.
struct FixedMetadata: MetadataProvider {
    let namespace: String
    let value: String?

    func produceMetadata() async -> String? { value }
}
