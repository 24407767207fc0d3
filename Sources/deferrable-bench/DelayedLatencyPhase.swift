import Deferrable
import DeferrableRedis
import Synchronization

/// `delayed-latency`: consumers idle (blocked in the backend), then one task pushes jobs at ``pushesPerSecond``,
/// each with a delay between 0.1 and 1 s; each job's lateness is the monotonic time from its due time (the instant
/// just before its `later()` plus its delay) to the start of its body. The due time is taken before the push, so
/// the lateness includes the push's round trip.
///
/// Delays follow the golden-ratio sequence over the range (evenly spread, the same in every run), so due times
/// interleave with pushes and the consumers are idle when most jobs come due.
enum DelayedLatencyPhase {
    /// Jobs pushed per second.
    static let pushesPerSecond = 100
    /// The shortest delay in milliseconds.
    static let minDelayMillis: Int64 = 100
    /// The longest delay in milliseconds.
    static let maxDelayMillis: Int64 = 1000

    /// The delay of the `seq`-th job: `minDelayMillis` plus the fractional part of `seq` times the golden ratio
    /// of the range.
    static func delay(forJob seq: Int) -> Duration {
        let fraction = (Double(seq) * 0.618_033_988_749_895).truncatingRemainder(dividingBy: 1)
        let span = Double(maxDelayMillis - minDelayMillis)
        return .microseconds(Int64(((Double(minDelayMillis) + fraction * span) * 1000).rounded()))
    }

    /// The Redis server's `hz` (how often it ends blocked commands whose timeout passed), `null` for memory or when
    /// `CONFIG GET` is refused.
    private static func redisHz(_ context: PhaseContext) async -> JSONValue {
        guard let client = context.redisFactory?.client,
            let reply = try? await client.send(RedisCommand("CONFIG", "GET", "hz")).array, reply.count == 2,
            let hz = reply[1].string.flatMap({ Int($0) })
        else { return .null }
        return .int(hz)
    }

    /// Runs the phase.
    static func run(_ context: PhaseContext) async throws -> PhaseResult {
        let settings = context.settings
        let count = settings.delayedJobs
        let recorder = LatencyRecorder(capacity: count)
        let probe = JobProbe(expected: count, latencies: recorder)
        // Read by the job's delay option during each `later()`; the one pushing task sets it just before.
        let nextDelay = Mutex(Duration.zero)
        let delayOption = DurationSetting.computed { nextDelay.withLock { $0 } }
        return try await BenchInstance.with(
            context, phase: .delayedLatency, probe: probe, observesCompletions: true, delay: delayOption
        ) { instance in
            try await Consumers.whileIdle(instance, settings: settings) {
                let meter = PhaseMeter()
                try await FixedRate.run(count: count, perSecond: pushesPerSecond) { seq in
                    let jobDelay = delay(forJob: seq)
                    nextDelay.withLock { $0 = jobDelay }
                    let nanos = jobDelay.components.seconds * 1_000_000_000 + jobDelay.components.attoseconds / 1_000_000_000
                    try await instance.handle.later(BenchArgs(seq: seq, sentAt: MonotonicClock.nanos(), delayNanos: nanos))
                }
                try await probe.waitUntilDone(limit: .seconds(30), what: "delayed-latency")
                let reading = meter.stop()
                let hz = await redisHz(context)
                return context.result(
                    .delayedLatency, n: count, concurrency: settings.concurrency, seconds: reading.seconds,
                    reading: reading, latency: recorder.summary(),
                    extra: [
                        ("delay_ms_min", .int(Int(minDelayMillis))),
                        ("delay_ms_max", .int(Int(maxDelayMillis))),
                        ("push_rate", .int(pushesPerSecond)),
                        ("early_starts", .int(recorder.negativeCount)),
                        ("redis_hz", hz),
                        ("driver", .string(settings.driver.label)),
                    ])
            }
        }
    }
}
