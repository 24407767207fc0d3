import Deferrable
import DeferrableRedis

/// A `Deferrable` instance on a group of its own for one phase, with the benchmark job registered.
struct BenchInstance: Sendable {
    /// The instance.
    let deferrable: Deferrable
    /// The benchmark job's handle.
    let handle: JobHandle<BenchArgs>
    /// The phase's probe (starts, completions, latencies).
    let probe: JobProbe
    private let redisFactory: RedisBackendFactory?

    /// The name of the benchmark job.
    static let jobName = "bench.job"

    /// Runs `body` with an instance on a unique group, then flushes the group (main and error queue) and, on
    /// Redis, removes it from the set of known groups, whether `body` threw or not.
    ///
    /// - Parameters:
    ///   - observesCompletions: adds an observer that reports `.complete` events to the probe.
    ///   - delay: the benchmark job's delay option, if any.
    static func with<T: Sendable>(
        _ context: PhaseContext,
        phase: PhaseName,
        probe: JobProbe = JobProbe(expected: .max),
        observesCompletions: Bool = false,
        delay: DurationSetting? = nil,
        _ body: (BenchInstance) async throws -> T
    ) async throws -> T {
        let group = "bench-\(phase.rawValue)-\(context.backend.rawValue)-\(context.settings.runID)"
        let deferrable = try Deferrable(factory: context.makeFactory(), group: group)
        let incr = context.incr
        let handle = try deferrable.register(jobName, argumentType: BenchArgs.self, options: JobOptions(delay: delay)) { args, _ in
            probe.jobStarted(args)
            if let incr {
                try await incr.increment()
            }
        }
        if observesCompletions {
            deferrable.onEvent { event in
                if event.kind == .complete {
                    probe.jobCompleted()
                }
            }
        }
        let instance = BenchInstance(deferrable: deferrable, handle: handle, probe: probe, redisFactory: context.redisFactory)
        do {
            let value = try await body(instance)
            try await instance.cleanUp()
            return value
        } catch {
            try? await instance.cleanUp()
            throw error
        }
    }

    /// Pushes `count` jobs in batches of `batch` (not timed: used to prepare a phase).
    func queue(_ count: Int, batch: Int) async throws {
        var pushed = 0
        while pushed < count {
            let size = min(batch, count - pushed)
            try await handle.laterMany((pushed..<pushed + size).map { BenchArgs(seq: $0, sentAt: 0) })
            pushed += size
        }
    }

    private func cleanUp() async throws {
        try await deferrable.backend.queue.flush()
        _ = try await deferrable.backend.errorQueue.purge()
        if let redisFactory {
            _ = try await redisFactory.client.send(
                RedisCommand("SREM", "\(redisFactory.settings.keyPrefix):groups", deferrable.group))
        }
    }
}
