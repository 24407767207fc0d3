import Deferrable
import DeferrableRedis

/// `enqueue-single`: one task awaiting `later()` N times (one round trip per job on Redis).
///
/// On Redis the phase is paired with its reference: the N jobs are sent in ``rounds`` rounds, and each round is
/// preceded by as many unpipelined `LPUSH`es through the backend's own client, then as many bare pushes
/// (``BarePush``, the floor under `later()`). A machine's loopback round trip can drift within seconds, so a ratio
/// to the run-level reference (measured earlier) moves with that drift; interleaved, both sides see the same drift. The row's `ratio_to_reference` is the paired ratio (`later()` over
/// `LPUSH` on the same connections in the same seconds); the run-level ratio is kept as `ratio_to_run_reference`.
/// Seconds and CPU seconds of the row are those of the `later()` rounds only.
enum EnqueueSinglePhase {
    /// Alternating rounds of `LPUSH`, bare push and `later()` on Redis.
    static let rounds = 20

    /// Runs the phase.
    static func run(_ context: PhaseContext) async throws -> PhaseResult {
        let n = context.settings.n
        return try await BenchInstance.with(context, phase: .enqueueSingle) { instance in
            try await instance.handle.later(BenchArgs(seq: -1, sentAt: 0))  // warm-up: group registration, script load
            guard let client = context.redisFactory?.client else {
                let meter = PhaseMeter()
                for seq in 0..<n {
                    try await instance.handle.later(BenchArgs(seq: seq, sentAt: 0))
                }
                let reading = meter.stop()
                return context.result(.enqueueSingle, n: n, concurrency: 1, seconds: reading.seconds, reading: reading)
            }
            return try await paired(context, instance: instance, client: client)
        }
    }

    /// Alternates rounds of `LPUSH`, bare pushes and `later()`, timing each side on its own.
    private static func paired(
        _ context: PhaseContext, instance: BenchInstance, client: RedisClient
    ) async throws -> PhaseResult {
        let n = context.settings.n
        let key = "deferrable-bench:paired-lpush:\(context.settings.runID)"
        let barePush = BarePush(key: key)
        let lpushCommand = RedisCommand("LPUSH", key, "xxx")
        // Side 0: LPUSH; side 1: bare push; side 2: later(). Each round runs all three, in an order that
        // rotates from round to round, so no side always follows another.
        var readings = Array(repeating: PhaseMeter.Reading(seconds: 0, cpuSeconds: 0, peakRSSBytes: 0), count: 3)
        var sent = 0
        for round in 0..<rounds {
            let jobs = sent..<((n * (round + 1)) / rounds)
            for offset in 0..<3 {
                let side = (round + offset) % 3
                let meter = PhaseMeter()
                for seq in jobs {
                    switch side {
                    case 0: _ = try await client.send(lpushCommand)
                    case 1: try await barePush.send(on: client)
                    default: try await instance.handle.later(BenchArgs(seq: seq, sentAt: 0))
                    }
                }
                readings[side].add(meter.stop())
            }
            sent = jobs.upperBound
        }
        let later = readings[2]
        _ = try await client.send(RedisCommand("DEL", key))
        try await barePush.clean(on: client)
        let laterRate = Double(n) / later.seconds
        let lpushRate = Double(n) / readings[0].seconds
        let barePushRate = Double(n) / readings[1].seconds
        var result = context.result(
            .enqueueSingle, n: n, concurrency: 1, seconds: later.seconds, reading: later,
            extra: [
                ("paired_lpush_ops_per_sec", .double(lpushRate)),
                ("paired_bare_push_ops_per_sec", .double(barePushRate)),
                ("paired_bare_push_ratio", .double(barePushRate / lpushRate)), ("paired_rounds", .int(rounds)),
                ("ratio_to_run_reference", context.ratio(laterRate).json),
            ])
        result.ratioToReference = laterRate / lpushRate
        return result
    }
}
