import Deferrable
import DeferrableRedis

/// `enqueue-single`: one task awaiting `later()` N times (one round trip per job on Redis).
///
/// On Redis the phase is paired with its references: the N jobs are sent in ``rounds`` rounds, and each round also
/// runs as many unpipelined `LPUSH`es through the backend's own client, as many bare pushes (``BarePush``, the
/// floor under `later()`), as many `LPUSH key xxx` and as many bare pushes through a minimal SwiftNIO program
/// (``MinimalNIOPush``, plain URLs only) and one `redis-benchmark -c 1 -t lpush` of as many requests (at least 1000; when it is on PATH and not
/// turned off), in an order that rotates from round to round. A machine's loopback round trip can drift within
/// seconds, so a ratio to a reference measured earlier moves with that drift; interleaved, every side sees the same
/// drift. The row's `ratio_to_reference` is `later()` over the paired `LPUSH`; `later_to_<side>_ratio` compares it
/// with each other side, `<side>_cpu_us_per_op` gives each side's process CPU per operation (redis-benchmark's is
/// its own process's, not measured), and the run-level ratio is kept as `ratio_to_run_reference`. Seconds and CPU
/// seconds of the row are those of the `later()` rounds only.
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

    /// One side of the paired rounds.
    private enum Side: Int, CaseIterable {
        case lpush, barePush, minimalNIO, minimalNIOBarePush, redisBenchmark, later
    }

    /// Alternates rounds of `LPUSH`, bare pushes, the minimal SwiftNIO `LPUSH`, `redis-benchmark -c 1` and
    /// `later()`, timing each side on its own.
    private static func paired(
        _ context: PhaseContext, instance: BenchInstance, client: RedisClient
    ) async throws -> PhaseResult {
        let n = context.settings.n
        let key = "deferrable-bench:paired-lpush:\(context.settings.runID)"
        let barePush = BarePush(key: key)
        let lpushCommand = RedisCommand("LPUSH", key, "xxx")
        let configuration = try RedisConfiguration(url: context.settings.redisURL ?? "")
        let minimal = try await MinimalNIOPush.connect(configuration, key: key + ":nio")
        let tool = context.settings.runsRedisBenchmark ? try RedisBenchmarkTool(configuration: configuration) : nil
        var sides = Side.allCases
        if minimal == nil { sides.removeAll { $0 == .minimalNIO || $0 == .minimalNIOBarePush } }
        if tool == nil { sides.removeAll { $0 == .redisBenchmark } }
        // Each round runs every side, in an order that rotates from round to round, so no side always follows
        // another. redis-benchmark reports its own rate; its seconds are its requests over that rate.
        var readings = [Side: PhaseMeter.Reading]()
        var operations = [Side: Int]()
        var sent = 0
        for round in 0..<rounds {
            let jobs = sent..<((n * (round + 1)) / rounds)
            for offset in sides.indices {
                let side = sides[(round + offset) % sides.count]
                let meter = PhaseMeter()
                var count = jobs.count
                switch side {
                case .lpush: for _ in jobs { _ = try await client.send(lpushCommand) }
                case .barePush: for _ in jobs { try await barePush.send(on: client) }
                case .minimalNIO: for _ in jobs { try await minimal?.send() }
                case .minimalNIOBarePush: for _ in jobs { try await minimal?.send(lpush: barePush.next()) }
                case .later: for seq in jobs { try await instance.handle.later(BenchArgs(seq: seq, sentAt: 0)) }
                case .redisBenchmark:
                    count = max(jobs.count, 1000)
                    if let measured = try tool?.lpush(requests: count, clients: 1) {
                        readings[side, default: .zero].add(
                            .init(seconds: Double(count) / measured.opsPerSecond, cpuSeconds: 0, peakRSSBytes: 0))
                    }
                }
                if side != .redisBenchmark { readings[side, default: .zero].add(meter.stop()) }
                operations[side, default: 0] += count
            }
            sent = jobs.upperBound
        }
        _ = try await client.send(RedisCommand("DEL", key))
        try await barePush.clean(on: client)
        try await minimal?.close()
        func rate(_ side: Side) -> Double? {
            guard let reading = readings[side], let count = operations[side], reading.seconds > 0 else { return nil }
            return Double(count) / reading.seconds
        }
        let later = readings[.later] ?? .zero
        let laterRate = Double(n) / later.seconds
        let lpushRate = rate(.lpush) ?? 0
        var extra: [(String, JSONValue)] = [
            ("paired_lpush_ops_per_sec", .double(lpushRate)), ("paired_rounds", .int(rounds)),
            ("producer_cpu_us_per_job", .double(later.cpuSeconds / Double(n) * 1e6)),
        ]
        let compared: [(Side, String)] = [
            (.barePush, "bare_push"), (.minimalNIO, "minimal_nio"), (.minimalNIOBarePush, "minimal_nio_bare_push"),
            (.redisBenchmark, "redis_benchmark_c1"),
        ]
        if let lpush = readings[.lpush] { extra.append(("lpush_cpu_us_per_op", .double(lpush.cpuSeconds / Double(n) * 1e6))) }
        for (side, name) in compared {
            guard let sideRate = rate(side) else { continue }
            extra.append(("paired_\(name)_ops_per_sec", .double(sideRate)))
            extra.append(("later_to_\(name)_ratio", .double(laterRate / sideRate)))
            if side != .redisBenchmark, let reading = readings[side] {
                extra.append(("\(name)_cpu_us_per_op", .double(reading.cpuSeconds / Double(n) * 1e6)))
            }
        }
        extra.append(("ratio_to_run_reference", context.ratio(laterRate).json))
        var result = context.result(.enqueueSingle, n: n, concurrency: 1, seconds: later.seconds, reading: later, extra: extra)
        result.ratioToReference = laterRate / lpushRate
        return result
    }
}
