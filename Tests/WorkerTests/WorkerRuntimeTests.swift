import DeferrableTestSupport
import Foundation
import InMemoryLogging
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import Deferrable

@Suite("Worker: running jobs")
struct WorkerRuntimeTests {
    @Test("runs N jobs at a time", arguments: TestBackend.available)
    func concurrency(backend: TestBackend) async throws {
        let (factory, cleanup) = try backend.makeFactory()
        defer { Task { await cleanup() } }
        let deferrable = try Deferrable(factory: factory, group: "concurrency")
        let current = Mutex(0)
        let peak = Mutex(0)
        let done = RunCounter()
        let release = AsyncGate()
        let handle = try deferrable.register("overlap") { (_: Int, _: JobContext) in
            let now = current.withLock { value in
                value += 1
                return value
            }
            peak.withLock { $0 = max($0, now) }
            await release.wait()
            current.withLock { $0 -= 1 }
            done.next()
        }
        try await handle.laterMany(Array(0..<6))
        let worker = Worker(deferrable, configuration: .init(concurrency: 3))
        let running = Task { try await worker.run() }
        defer { running.cancel() }
        try await eventually("three jobs to run at once") { current.withLock { $0 } == 3 }
        // Every slot is busy until the jobs are released: nothing more is taken.
        #expect(try await deferrable.stats() == QueueStats(available: 3, inFlight: 3, delayed: 0, errors: 0))
        release.open()
        try await eventually("six jobs to finish") { done.count == 6 }
        worker.shutdownGracefully()
        try await running.value
        #expect(peak.withLock { $0 } == 3)
    }

    @Test("one worker serves several groups")
    func severalGroups() async throws {
        let factory = MemoryBackendFactory()
        let runs = RunCounter()
        var instances: [Deferrable] = []
        for name in ["a", "b", "c"] {
            let deferrable = try Deferrable(factory: factory, group: name)
            try await deferrable.register("job") { (_: Int, _: JobContext) in runs.next() }.later(1)
            instances.append(deferrable)
        }
        let worker = try Worker(instances, configuration: .init(concurrency: 1, idleWait: .milliseconds(200)))
        let running = Task { try await worker.run() }
        try await eventually("the job of each group to run") { runs.count == 3 }
        worker.shutdownGracefully()
        try await running.value
        for deferrable in instances {
            #expect(try await deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
        }
    }

    @Test("the worker's default time limit cancels a job and fails it with TimeLimitExceeded", arguments: TestBackend.available)
    func defaultTimeLimit(backend: TestBackend) async throws {
        let (factory, cleanup) = try backend.makeFactory()
        defer { Task { await cleanup() } }
        let deferrable = try Deferrable(factory: factory, group: "limit")
        let cancelled = RunCounter()
        let handle = try deferrable.register("stuck", options: JobOptions(maxAttempts: 1)) { (_: Int, _: JobContext) in
            do {
                try await Task.sleep(for: .seconds(10))
            } catch {
                cancelled.next()
                throw error
            }
        }
        let receipt = try await handle.later(1)
        let worker = Worker(deferrable, configuration: .init(concurrency: 1, defaultTimeLimit: .milliseconds(200)))
        let running = Task { try await worker.run() }
        try await eventually("the job to fail", timeout: .seconds(5)) { try await deferrable.stats().errors == 1 }
        worker.shutdownGracefully()
        try await running.value
        let dead = try #require(try await deferrable.errors.entry(id: receipt.id))
        #expect(dead.error.type == "TimeLimitExceeded")
        #expect(cancelled.count == 1, "the job body saw the cancellation")
    }

    @Test("a job's own time limit wins over the worker's default")
    func jobTimeLimitWins() async throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "limit-own")
        let finished = RunCounter()
        try await deferrable.register("slowish", options: JobOptions(timeLimit: .seconds(5))) { (_: Int, _: JobContext) in
            try await Task.sleep(for: .milliseconds(400))
            finished.next()
        }.later(1)
        let worker = Worker(deferrable, configuration: .init(concurrency: 1, defaultTimeLimit: .milliseconds(100)))
        let running = Task { try await worker.run() }
        try await eventually("the job to finish") { finished.count == 1 }
        worker.shutdownGracefully()
        try await running.value
        #expect(try await deferrable.stats().errors == 0)
    }

    @Test("a TimeLimitExceeded named in the retry policy retries")
    func timeLimitRetries() async throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "limit-retry")
        let runs = RunCounter()
        try await deferrable.register(
            "flaky",
            options: JobOptions(maxAttempts: 3, retry: .on(TimeLimitExceeded.self), backoff: .fixed(.zero))
        ) { (_: Int, context: JobContext) in
            runs.next(attempt: context.attempt)
            if context.attempt == 1 { try await Task.sleep(for: .seconds(10)) }
        }.later(1)
        let worker = Worker(deferrable, configuration: .init(concurrency: 1, defaultTimeLimit: .milliseconds(150)))
        let running = Task { try await worker.run() }
        try await eventually("the retry to run") { runs.count == 2 }
        worker.shutdownGracefully()
        try await running.value
        #expect(runs.attempts == [1, 2])
        #expect(try await deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
    }

    @Test("jobs slower than the threshold are logged at warning with their duration")
    func slowJobWarning() async throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "slow")
        let done = RunCounter()
        try await deferrable.register("sluggish") { (_: Int, _: JobContext) in
            try await Task.sleep(for: .milliseconds(1200))
            done.next()
        }.later(1)
        try await deferrable.register("quick") { (_: Int, _: JobContext) in done.next() }.later(2)
        let logs = InMemoryLogHandler()
        let worker = Worker(
            // Far apart, so that a loaded machine cannot make the quick job look slow.
            deferrable, configuration: .init(concurrency: 1, slowJobThreshold: .milliseconds(800)), logger: logs.logger())
        let running = Task { try await worker.run() }
        try await eventually("both jobs to run") { done.count == 2 }
        worker.shutdownGracefully()
        try await running.value
        let slow = logs.records("slow job", level: .warning)
        #expect(slow.count == 1)
        #expect(slow.first?.metadata["job.name"] == "sluggish")
        #expect(slow.first?.metadata["group"] == "slow")
        #expect(slow.first?.metadata["outcome"] == "completed")
        #expect(slow.first?.metadata["duration"]?.description.isEmpty == false)
        #expect(slow.first?.metadata["threshold"] != nil)
    }

    @Test("backend retry delays grow exponentially, are capped, and jittered between half and all")
    func retryDelays() {
        let delays = BackendRetryDelay(initial: .milliseconds(100), maximum: .seconds(5))
        #expect(delays.delay(afterFailures: 1, random: 1) == .milliseconds(100))
        #expect(delays.delay(afterFailures: 1, random: 0) == .milliseconds(50))
        #expect(delays.delay(afterFailures: 4, random: 1) == .milliseconds(800))
        #expect(delays.delay(afterFailures: 10, random: 1) == .seconds(5))
        #expect(delays.delay(afterFailures: 1000, random: 0) == .milliseconds(2500))
        for failures in 1...50 {
            let delay = delays.delay(afterFailures: failures)
            #expect(delay >= .milliseconds(50) && delay <= .seconds(5))
        }
    }

    @Test("a failing backend: the worker logs once, backs off, and resumes by itself")
    func survivesFailingBackend() async throws {
        let inner = try MemoryBackendFactory().makeBackend(group: "flaky")
        let flaky = FlakyBackend(inner: inner)
        let deferrable = try Deferrable(backend: flaky.backend)
        let runs = RunCounter()
        let handle = try deferrable.register("job") { (_: Int, _: JobContext) in runs.next() }
        let logs = InMemoryLogHandler()
        let worker = Worker(
            deferrable,
            configuration: .init(
                concurrency: 2, idleWait: .milliseconds(100), backendRetryInitialDelay: .milliseconds(20),
                backendRetryMaxDelay: .milliseconds(200)),
            logger: logs.logger())
        let running = Task { try await worker.run() }
        flaky.setDown(true)
        try await eventually("twelve failed pops") { flaky.failures >= 12 }
        // Bounded by the backoff, nowhere near a spin: of two slots one failed at least six times, after pauses of at
        // least half of 20, 40, 80, 160 and 200 ms.
        let failed = flaky.failedAt
        let span = failed[0].duration(to: failed[11])
        #expect(span >= .milliseconds(250), "twelve failures within \(span): the worker spins")
        #expect(logs.records("backend unreachable; the worker keeps retrying with backoff", level: .warning).count == 1)
        #expect(logs.records("backend still unreachable", level: .debug).count >= 1)

        flaky.setDown(false)
        try await handle.later(1)
        try await eventually("the job to run after recovery") { runs.count == 1 }
        #expect(logs.records("backend reachable again", level: .notice).count == 1)
        worker.shutdownGracefully()
        try await within(.seconds(2), "the worker to stop") { try await running.value }
    }
}

/// A backend whose queue calls fail while it is down.
final class FlakyBackend: Sendable {
    private let state = Locked<(down: Bool, failedAt: [ContinuousClock.Instant])>((false, []))
    let backend: InterceptingBackend

    init(inner: any Backend) {
        let state = state
        backend = InterceptingBackend(inner: inner) {
            let failing = state.withLock { state -> Bool in
                guard state.down else { return false }
                state.failedAt.append(.now)
                return true
            }
            if failing { throw Down() }
        }
    }

    /// Makes every call fail (`true`) or pass again.
    func setDown(_ down: Bool) {
        state.withLock { $0.down = down }
    }

    /// When each failure happened, oldest first.
    var failedAt: [ContinuousClock.Instant] { state.value.failedAt }

    var failures: Int { failedAt.count }

    private struct Down: Error, CustomStringConvertible {
        var description: String { "connection refused (test)" }
    }
}
