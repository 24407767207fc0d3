import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Logging

/// The load of a failover test: one producer pushing numbered jobs one at a time (a push that fails is retried with
/// the same number after 50 ms) and a `Worker` running them, through one `Deferrable`.
final class FailoverLoad: Sendable {
    struct Numbered: Codable, Sendable { var n: Int }

    /// The numbers whose push was acknowledged, in order.
    let acknowledged = Locked<[Int]>([])
    /// The numbers whose job ran.
    let done = Locked<Set<Int>>([])
    /// Pushes that failed, and how many of them with ``RedisError/notReplicated(endpoint:replicas:required:)``.
    let pushErrors = Locked(0)
    let notReplicated = Locked(0)
    /// While set, the producer pushes nothing.
    let paused = Locked(false)
    private let stopped = Locked(false)
    private let finished = Locked(false)
    private let worker: Worker
    private let running: Task<Void, any Error>
    private let producer: Task<Void, Never>

    /// Registers the job on `deferrable` and starts the worker and the producer.
    init(_ deferrable: Deferrable) throws {
        let done = self.done
        let job = try deferrable.register("n") { (number: Numbered, _: JobContext) in
            done.withLock { _ = $0.insert(number.n) }
        }
        let worker = Worker(
            deferrable,
            configuration: Worker.Configuration(
                concurrency: 4, gracePeriod: .seconds(2), idleWait: .milliseconds(200),
                backendRetryInitialDelay: .milliseconds(50), backendRetryMaxDelay: .milliseconds(500),
                reportsMetrics: false),
            logger: quietLogger())
        self.worker = worker
        let finished = self.finished
        running = Task {
            try await worker.run()
            finished.withLock { $0 = true }
        }
        let (acknowledged, pushErrors, notReplicated, paused, stopped) = (
            self.acknowledged, self.pushErrors, self.notReplicated, self.paused, self.stopped
        )
        producer = Task {
            var next = 0
            while !stopped.value {
                if paused.value {
                    try? await Task.sleep(for: .milliseconds(10))
                    continue
                }
                do {
                    _ = try await job.later(Numbered(n: next))
                    acknowledged.withLock { $0.append(next) }
                    next += 1
                } catch {
                    pushErrors.withLock { $0 += 1 }
                    if case RedisError.notReplicated = error { notReplicated.withLock { $0 += 1 } }
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
        }
    }

    /// Whether every acknowledged job has run.
    var allAcknowledgedRan: Bool { done.value.isSuperset(of: acknowledged.value) }

    /// Whether the worker is still running.
    var workerRunning: Bool { !finished.value }

    /// How many acknowledged jobs have not run.
    var lost: Int { Set(acknowledged.value).subtracting(done.value).count }

    /// What ``finish(pushedBeforeKill:killedAt:timeout:)`` saw.
    struct Outcome {
        /// Whether every acknowledged job ran.
        var allRan: Bool
        /// From the kill until every acknowledged job had run (or the wait ended).
        var allRanAfter: Duration
        /// Whether the worker was still running at the end.
        var workerWasRunning: Bool
        /// Jobs acknowledged after the kill.
        var pushedAfterKill: Int
    }

    /// Waits (up to `timeout`) until 100 more jobs than `pushedBeforeKill` were acknowledged, stops the producer,
    /// waits up to 60 s for every acknowledged job to run, and stops the worker.
    func finish(pushedBeforeKill: Int, killedAt: ContinuousClock.Instant, timeout: Duration) async throws -> Outcome {
        try await eventually("100 more jobs pushed after the failover", timeout: timeout) {
            acknowledged.value.count >= pushedBeforeKill + 100
        }
        await stopProducing()
        let allRan = await eventually(within: .seconds(60)) { allAcknowledgedRan }
        let allRanAfter = killedAt.duration(to: .now)
        let workerWasRunning = workerRunning
        await stop()
        return Outcome(
            allRan: allRan, allRanAfter: allRanAfter, workerWasRunning: workerWasRunning,
            pushedAfterKill: acknowledged.value.count - pushedBeforeKill)
    }

    /// Stops the producer and waits for it.
    func stopProducing() async {
        stopped.withLock { $0 = true }
        await producer.value
    }

    /// Stops the producer and the worker (gracefully) and waits for both.
    func stop() async {
        await stopProducing()
        worker.shutdownGracefully()
        _ = try? await running.value
    }

    deinit {
        producer.cancel()
        running.cancel()
    }
}
