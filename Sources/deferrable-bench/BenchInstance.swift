import Deferrable
import DeferrableRedis

/// A `Deferrable` instance on a group of its own for one phase, with the benchmark job registered (and, for the
/// result phases, the same job returning a value).
struct BenchInstance: Sendable {
    /// The instance.
    let deferrable: Deferrable
    /// The benchmark job's handle.
    let handle: JobHandle<BenchArgs>
    /// The handle of the benchmark job that returns a value: the ``MonotonicClock`` nanoseconds taken in its body
    /// just before it returns. `nil` unless the phase asked for it.
    let resultHandle: ResultJobHandle<BenchArgs, Int64>?
    /// The phase's probe (starts, completions, latencies).
    let probe: JobProbe
    private let redisFactory: RedisBackendFactory?

    /// The name of the benchmark job.
    static let jobName = "bench.job"
    /// The name of the benchmark job that returns a value.
    static let resultJobName = "bench.result-job"
    /// How long the results of ``resultJobName`` are kept: long enough for every phase to read them, short enough
    /// that a run leaves none behind for long (a flush does not remove results).
    static let resultTTL = Duration.seconds(120)

    /// Runs `body` with an instance on a unique group, then flushes the group (main and error queue) and, on
    /// Redis, removes it from the set of known groups, whether `body` threw or not.
    ///
    /// - Parameters:
    ///   - observesCompletions: adds an observer that reports `.complete` events to the probe.
    ///   - delay: the benchmark job's delay option, if any.
    ///   - returnsValues: also registers ``resultJobName`` (throws `DeferrableError.resultsNotSupported` when the
    ///     backend keeps no results).
    ///   - recordsStatistics: the instance's ``JobDefaults/recordsStatistics``.
    ///   - circuitBreaker: the benchmark job's circuit breaker, if any.
    static func with<T: Sendable>(
        _ context: PhaseContext,
        phase: PhaseName,
        probe: JobProbe = JobProbe(expected: .max),
        observesCompletions: Bool = false,
        delay: DurationSetting? = nil,
        returnsValues: Bool = false,
        recordsStatistics: Bool = true,
        circuitBreaker: CircuitBreaker? = nil,
        _ body: (BenchInstance) async throws -> T
    ) async throws -> T {
        let group = groupName(phase, context)
        let deferrable = try Deferrable(
            factory: context.makeFactory(), group: group, defaults: JobDefaults(recordsStatistics: recordsStatistics))
        let incr = context.incr
        @Sendable func work(_ args: BenchArgs) async throws {
            probe.jobStarted(args)
            if let incr {
                try await incr.increment()
            }
        }
        let handle = try deferrable.register(
            jobName, argumentType: BenchArgs.self, options: JobOptions(delay: delay, circuitBreaker: circuitBreaker)
        ) { args, _ in
            try await work(args)
        }
        let resultHandle =
            returnsValues
            ? try deferrable.register(
                resultJobName, argumentType: BenchArgs.self, returning: Int64.self,
                options: JobOptions(delay: delay, resultTTL: resultTTL)
            ) { args, _ in
                try await work(args)
                return MonotonicClock.nanos()
            } : nil
        if observesCompletions {
            deferrable.onEvent { event in
                if event.kind == .complete {
                    probe.jobCompleted()
                }
            }
        }
        let instance = BenchInstance(
            deferrable: deferrable, handle: handle, resultHandle: resultHandle, probe: probe, redisFactory: context.redisFactory)
        do {
            let value = try await body(instance)
            try await instance.cleanUp()
            return value
        } catch {
            try? await instance.cleanUp()
            throw error
        }
    }

    /// The group of `phase` on the context's backend in this run: `bench-<phase>-<backend>-<run id>`.
    static func groupName(_ phase: PhaseName, _ context: PhaseContext) -> String {
        "bench-\(phase.rawValue)-\(context.backend.rawValue)-\(context.settings.runID)"
    }

    /// Pushes `count` jobs in batches of `batch` (not timed: used to prepare a phase): of the job that returns a
    /// value when `returningValues`, else of the plain job.
    func queue(_ count: Int, batch: Int, returningValues: Bool = false) async throws {
        var pushed = 0
        while pushed < count {
            let size = min(batch, count - pushed)
            let args = (pushed..<pushed + size).map { BenchArgs(seq: $0, sentAt: 0) }
            if returningValues {
                try await requireResultHandle().laterMany(args)
            } else {
                try await handle.laterMany(args)
            }
            pushed += size
        }
    }

    /// The handle of the job that returns a value; throws when the phase did not ask for it.
    func requireResultHandle() throws -> ResultJobHandle<BenchArgs, Int64> {
        guard let resultHandle else {
            throw BenchError.invalidOptions("the phase did not register \(Self.resultJobName)")
        }
        return resultHandle
    }

    private func cleanUp() async throws {
        try await deferrable.backend.queue.flush()
        _ = try await deferrable.backend.errorQueue.purge()
        try await deferrable.backend.statistics?.reset()
        if let redisFactory {
            _ = try await redisFactory.client.send(
                RedisCommand("SREM", "\(redisFactory.settings.keyPrefix):groups", deferrable.group))
        }
    }
}
