import Deferrable
import DeferrableTestSupport
import Testing

@Suite("Backoff")
struct BackoffTests {
    @Test(
        "exponential: retry n waits min(2 + 2^n, 900) s",
        arguments: [
            (1, 4), (2, 6), (3, 10), (4, 18), (5, 34), (6, 66), (7, 130), (8, 258), (9, 514), (10, 900), (11, 900), (100, 900),
            (Int.max, 900),
        ])
    func exponentialTable(retry: Int, seconds: Int) {
        #expect(Backoff.exponential().delay(forRetry: retry) == .seconds(seconds))
    }

    @Test("exponential with a custom cap")
    func exponentialCap() {
        let backoff = Backoff.exponential(cap: .seconds(30))
        #expect(backoff.delay(forRetry: 1) == .seconds(4))
        #expect(backoff.delay(forRetry: 4) == .seconds(18))
        #expect(backoff.delay(forRetry: 5) == .seconds(30))
        #expect(backoff.delay(forRetry: 60) == .seconds(30))
    }

    @Test("immediate is zero and fixed is constant")
    func immediateAndFixed() {
        for retry in [1, 2, 10, 1000] {
            #expect(Backoff.immediate.delay(forRetry: retry) == .zero)
            #expect(Backoff.fixed(.milliseconds(1500)).delay(forRetry: retry) == .milliseconds(1500))
        }
        #expect(Backoff.fixed(.seconds(-5)).delay(forRetry: 1) == .zero)
    }

    @Test("exponential with jitter stays within [d/2, d]", arguments: [1, 2, 3, 5, 10, 50])
    func jitterRange(retry: Int) {
        let full = Backoff.exponential().delay(forRetry: retry)
        var seen = Set<Duration>()
        for _ in 0..<500 {
            let delay = Backoff.exponentialWithJitter().delay(forRetry: retry)
            #expect(delay >= full / 2 && delay <= full, "retry \(retry): \(delay) not in [\(full / 2), \(full)]")
            seen.insert(delay)
        }
        #expect(seen.count > 1, "jitter should vary the delay")
    }

    static let kinds: [(label: String, backoff: Backoff, expected: Duration?)] = [
        ("immediate", .immediate, .zero),
        ("fixed 7 s", .fixed(.seconds(7)), .seconds(7)),
        ("exponential", .exponential(), .seconds(4)),
        ("jitter", .exponentialWithJitter(), nil),
    ]

    @Test("a retried job is runnable exactly when the backoff delay has passed", arguments: kinds.map(\.label))
    func retryRunnableAfterBackoff(label: String) async throws {
        let kind = try #require(Self.kinds.first { $0.label == label })
        let harness = try Harness()
        let runs = Locked(0)
        let handle = try harness.deferrable.register(
            "backoff", options: JobOptions(maxAttempts: 2, retry: .always, backoff: kind.backoff)
        ) { (_: Payload, _) in
            if runs.increment() == 1 { throw TransientError() }
        }
        try await handle.later(Payload(n: 1))
        guard case .retried(_, let attempt, let delay) = try await harness.run() else {
            Issue.record("the first run should retry")
            return
        }
        #expect(attempt == 1)
        if let expected = kind.expected {
            #expect(delay == expected)
        } else {
            #expect(delay >= .seconds(2) && delay <= .seconds(4))
        }
        if delay > .zero {
            harness.clock.advance(by: delay - .milliseconds(1))
            #expect(try await harness.run() == .empty)
            #expect(runs.value == 1)
            harness.clock.advance(by: .milliseconds(1))
        }
        #expect(try await harness.run().label == "completed")
        #expect(runs.value == 2)
    }
}
