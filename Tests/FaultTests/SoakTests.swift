import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

/// Many jobs, many consumers, failures on purpose: every pushed job is accounted for exactly once.
@Suite("Soak", .serialized, .enabled(if: FaultEnv.hasRedis, "needs REDIS_URL"), .timeLimit(.minutes(10)))
struct SoakTests {
    struct Work: Codable, Sendable { var n: Int }
    struct Retriable: Error {}
    struct Fatal: Error {}

    /// Outcomes by job id, recorded by the consumers.
    struct Tally: Sendable {
        var completed: [String: Int] = [:]
        var expired: [String: Int] = [:]
        var failed: [String: Int] = [:]
        var retries = 0
        var other: [String] = []
    }

    @Test("4 producers, 32 consumers, 10% retriable and 1% fatal failures: completed + errors + expired == pushed, by id")
    func soak() async throws {
        let total = FaultEnv.long ? 200_000 : 20_000
        let producers = 4
        let consumers = 32
        let prefix = uniquePrefix("soak")
        let group = uniqueGroup()
        let factory = RedisBackendFactory(
            configuration: try RedisConfiguration(url: FaultEnv.url),
            settings: RedisBackendSettings(keyPrefix: prefix, errorQueueLimits: ErrorQueueLimits(maxEntries: 1_000_000)),
            logger: quietLogger())
        let deferrable = try Deferrable(
            factory: factory, group: group,
            defaults: JobDefaults(maxAttempts: 5, retry: .on(Retriable.self), backoff: .immediate), logger: quietLogger())
        let runs = Locked(0)
        let body: @Sendable (Work, JobContext) async throws -> Void = { _, _ in
            runs.withLock { $0 += 1 }
            let roll = Int.random(in: 0..<100)
            if roll < 10 { throw Retriable() }
            if roll == 10 { throw Fatal() }
        }
        let work = try deferrable.register("work", body)
        // One job in 50 carries a TTL so short that it expires before it runs (or on a retry).
        let shortLived = try deferrable.register("short-lived", options: JobOptions(ttl: .milliseconds(1)), body)

        let start = ContinuousClock.now
        let pushed = Locked<Set<String>>([])
        let producing = Task {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for producer in 0..<producers {
                    tasks.addTask {
                        let share = total / producers + (producer < total % producers ? 1 : 0)
                        var sent = 0
                        while sent < share {
                            let batch = min(250, share - sent)
                            let args = (0..<batch).map { Work(n: producer * 1_000_000 + sent + $0) }
                            let plain = args.filter { $0.n % 50 != 0 }
                            let ttl = args.filter { $0.n % 50 == 0 }
                            var ids = try await work.laterMany(plain).map(\.id)
                            ids += try await shortLived.laterMany(ttl).map(\.id)
                            pushed.withLock { $0.formUnion(ids) }
                            sent += batch
                        }
                    }
                }
                try await tasks.waitForAll()
            }
        }

        let tally = Locked(Tally())
        let producersDone = Locked(false)
        let deadline = ContinuousClock.now + (FaultEnv.long ? .seconds(540) : .seconds(150))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for _ in 0..<consumers {
                tasks.addTask {
                    var idle = 0
                    while ContinuousClock.now < deadline {
                        let outcome = try await deferrable.runOnce(waitingUpTo: .milliseconds(200))
                        tally.withLock { tally in
                            switch outcome {
                            case .completed(let ref): tally.completed[ref.id, default: 0] += 1
                            case .expired(let ref): tally.expired[ref.id, default: 0] += 1
                            case .failed(let ref, _): tally.failed[ref.id, default: 0] += 1
                            case .retried: tally.retries += 1
                            case .empty: break
                            default: tally.other.append("\(outcome)")
                            }
                        }
                        if outcome == .empty {
                            idle += 1
                            // Stop after the producers are done and the queue stayed empty a few times.
                            if producersDone.value, idle >= 3 { return }
                        } else {
                            idle = 0
                        }
                    }
                }
            }
            tasks.addTask {
                try await producing.value
                producersDone.withLock { $0 = true }
            }
            try await tasks.waitForAll()
        }
        let elapsed = start.duration(to: .now)

        let ids = pushed.value
        let result = tally.value
        let errors = try await errorEntries(deferrable)
        let completed = Set(result.completed.keys)
        let expired = Set(result.expired.keys)
        let failed = Set(errors.keys)
        let stats = try await deferrable.backend.queue.stats()
        #expect(ids.count == total)
        #expect(
            completed.union(expired).union(failed) == ids,
            "\(ids.subtracting(completed).subtracting(expired).subtracting(failed).count) lost")
        #expect(completed.count + expired.count + failed.count == total, "a job has two terminal outcomes")
        #expect(Set(result.failed.keys) == failed, "failed outcomes and the error queue disagree")
        #expect(result.completed.values.allSatisfy { $0 == 1 } && result.expired.values.allSatisfy { $0 == 1 })
        #expect(result.other.isEmpty, "unexpected outcomes: \(result.other.prefix(5))")
        #expect(stats == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: failed.count))
        let fatal = errors.values.filter { $0.type.hasSuffix("Fatal") }.count
        let exhausted = errors.values.filter { $0.type.hasSuffix("Retriable") }.count
        #expect(fatal + exhausted == failed.count, "unexpected error types: \(Set(errors.values.map(\.type)))")
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        report(
            "soak",
            [
                "jobs": total, "runs": runs.value, "retries": result.retries, "fatal": fatal, "retriesExhausted": exhausted,
                "completed": completed.count, "expired": expired.count, "errorQueue": failed.count,
                "lost": ids.count - completed.count - expired.count - failed.count, "seconds": elapsed,
                "jobsPerSecond": Int(Double(total) / seconds),
            ])
        try await deferrable.backend.queue.flush()
        _ = try await deferrable.backend.errorQueue.purge()
        await factory.close()
    }
}
