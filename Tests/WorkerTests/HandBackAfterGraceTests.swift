import Deferrable
import DeferrableTestSupport
import Foundation
import Logging
import Testing

/// The hand-back of a job cancelled when the grace period ends runs where cancellation cannot refuse it.
@Suite("Worker: hand-back after the grace period", .timeLimit(.minutes(1)))
struct HandBackAfterGraceTests {
    /// The in-memory queue of a group, as a backend whose client honours task cancellation sees it: every call made from
    /// a cancelled task throws `CancellationError` (as an HTTP or NIO client cancelled mid-call does).
    private struct CancellationHonouringQueue: JobQueue {
        let base: any JobQueue

        private func checked<T>(_ call: () async throws -> T) async throws -> T {
            try Task.checkCancellation()
            return try await call()
        }

        func push(_ job: OutgoingJob) async throws { try await checked { try await base.push(job) } }
        func pushBatch(_ jobs: [OutgoingJob]) async throws { try await checked { try await base.pushBatch(jobs) } }
        func pop(lease: Duration, waitingUpTo: Duration) async throws -> LeasedJob? {
            try await checked { try await base.pop(lease: lease, waitingUpTo: waitingUpTo) }
        }
        func extendLease(_ job: LeasedJob, by lease: Duration) async throws -> Bool {
            try await checked { try await base.extendLease(job, by: lease) }
        }
        func settle(_ job: LeasedJob, _ settlement: Settlement, tally: TaskTally?) async throws -> Bool {
            try await checked { try await base.settle(job, settlement, tally: tally) }
        }
        func postpone(id: String, by delay: Duration) async throws -> Bool {
            try await checked { try await base.postpone(id: id, by: delay) }
        }
        func flush() async throws { try await base.flush() }
        func stats() async throws -> QueueStats { try await base.stats() }
    }

    private struct WrappedBackend: Backend {
        let group: String
        let queue: any JobQueue
        let errorQueue: any ErrorQueue
    }

    @Test("a job cancelled at the end of the grace period is handed back with its attempt unchanged")
    func handBackIsNotCancelled() async throws {
        let memory = try MemoryBackendFactory().makeBackend(group: "hand-back")
        let backend = WrappedBackend(
            group: memory.group, queue: CancellationHonouringQueue(base: memory.queue), errorQueue: memory.errorQueue)
        var quiet = Logger(label: "hand-back")
        quiet.logLevel = .critical
        let deferrable = try Deferrable(backend: backend, defaults: JobDefaults(lease: .seconds(30)), logger: quiet)
        let runs = RunCounter()
        let handle = try deferrable.register("long") { (_: Int, context: JobContext) in
            let run = runs.next(attempt: context.attempt)
            if run == 1 { try await Task.sleep(for: .seconds(10)) }
        }
        try await handle.later(1)
        let worker = Worker(
            deferrable, configuration: .init(concurrency: 1, gracePeriod: .milliseconds(50), reportsMetrics: false), logger: quiet)
        let running = Task { try await worker.run() }
        try await eventually("the job to start") { runs.count == 1 }
        worker.shutdownGracefully()
        try await within(.seconds(5), "the worker to stop") { try await running.value }

        let stats = try await memory.queue.stats()
        #expect(stats.inFlight == 0, "the hand-back was refused: the job waits for its lease to lapse")
        #expect(stats.available == 1)
        #expect(try await deferrable.runOnce(waitingUpTo: .zero).label == "completed")
        #expect(runs.attempts == [1, 1])
    }
}
