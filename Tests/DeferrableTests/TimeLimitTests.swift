import Deferrable
import DeferrableTestSupport
import Testing

@Suite("Time limit")
struct TimeLimitTests {
    @Test("a run longer than its time limit is cancelled and goes to the error queue as TimeLimitExceeded")
    func exceeded() async throws {
        let harness = try Harness()
        let cancelled = Locked(false)
        let handle = try harness.deferrable.register("slow", options: JobOptions(timeLimit: .milliseconds(100))) { (_: Payload, _) in
            do {
                try await Task.sleep(for: .seconds(5))
            } catch {
                cancelled.withLock { $0 = true }
                throw error
            }
        }
        let receipt = try await handle.later(Payload(n: 1))
        let start = ContinuousClock.now
        let outcome = try await harness.run()
        #expect(ContinuousClock.now - start < .seconds(4), "the run must be cut short, not wait for the body")
        #expect(outcome.isFailed)
        #expect(cancelled.value, "the body is cancelled")
        let entry = try #require(try await harness.onlyErrorEntry())
        #expect(entry.id == receipt.id)
        #expect(entry.error.type == "TimeLimitExceeded")
        #expect(entry.error.message.contains("time limit"))
        #expect(entry.envelope?.timeLimitMillis == 100)
    }

    @Test("TimeLimitExceeded in the retry policy retries the run")
    func retried() async throws {
        let harness = try Harness()
        let runs = Locked(0)
        let handle = try harness.deferrable.register(
            "slow-retry",
            options: JobOptions(maxAttempts: 2, retry: .on(TimeLimitExceeded.self), backoff: .immediate, timeLimit: .milliseconds(100))
        ) { (_: Payload, _) in
            if runs.increment() == 1 { try await Task.sleep(for: .seconds(5)) }
        }
        let receipt = try await handle.later(Payload(n: 1))
        let ref = JobRef(id: receipt.id, name: "slow-retry", group: harness.group)
        #expect(try await harness.run() == .retried(ref, attempt: 1, delay: .zero))
        #expect(try await harness.run() == .completed(ref))
        #expect(runs.value == 2)
        #expect(try await harness.deferrable.errors.count() == 0)
    }

    @Test("a run within its time limit completes")
    func withinLimit() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("quick", options: JobOptions(timeLimit: .seconds(30))) { (_: Payload, _) in }
        try await handle.later(Payload(n: 1))
        #expect(try await harness.run().label == "completed")
    }

    @Test("the instance default time limit applies to jobs without one")
    func defaultTimeLimit() async throws {
        let harness = try Harness(defaults: JobDefaults(timeLimit: .milliseconds(100)))
        let handle = try harness.deferrable.register("slow-default") { (_: Payload, _) in try await Task.sleep(for: .seconds(5)) }
        try await handle.later(Payload(n: 1))
        #expect(try await harness.run().isFailed)
        #expect(try await harness.onlyErrorEntry()?.error.type == "TimeLimitExceeded")
    }

    @Test("an error thrown by the body within the limit is reported as itself")
    func bodyErrorWins() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("throws-fast", options: JobOptions(timeLimit: .seconds(30))) { (_: Payload, _) in
            throw PermanentError()
        }
        try await handle.later(Payload(n: 1))
        #expect(try await harness.run().isFailed)
        #expect(try await harness.onlyErrorEntry()?.error.type == "PermanentError")
    }
}
