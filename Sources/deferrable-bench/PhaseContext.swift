import Deferrable
import DeferrableRedis

/// What a phase needs: the settings, the backend under test, the job body's Redis target and the reference.
struct PhaseContext: Sendable {
    /// The run's settings.
    let settings: BenchSettings
    /// The backend under test.
    let backend: BackendKind
    /// The shared Redis factory when `backend` is `.redis`.
    let redisFactory: RedisBackendFactory?
    /// Where `--job incr` increments.
    let incr: IncrTarget?
    /// Unpipelined LPUSH ops/s through the library client, measured earlier in this run.
    let referenceOpsPerSecond: Double?

    /// A factory for one phase: a fresh one for memory (so its memory is released afterwards), the shared one
    /// for Redis (its connections are warm).
    func makeFactory() -> any BackendFactory {
        if let redisFactory { return redisFactory }
        return MemoryBackendFactory()
    }

    /// `jobsPerSecond` over the reference, for Redis figures.
    func ratio(_ jobsPerSecond: Double) -> Double? {
        guard backend == .redis, let referenceOpsPerSecond, referenceOpsPerSecond > 0 else { return nil }
        return jobsPerSecond / referenceOpsPerSecond
    }

    /// A result row for this context with the common fields filled in.
    func result(
        _ phase: PhaseName, n: Int, concurrency: Int, seconds: Double, reading: PhaseMeter.Reading,
        latency: LatencySummary? = nil, extra: [(String, JSONValue)] = []
    ) -> PhaseResult {
        let rate = seconds > 0 ? Double(n) / seconds : 0
        return PhaseResult(
            phase: phase.rawValue, backend: backend.rawValue, job: settings.job.rawValue, n: n, concurrency: concurrency,
            seconds: seconds, jobsPerSecond: rate, latency: latency, cpuSeconds: reading.cpuSeconds,
            peakRSSBytes: reading.peakRSSBytes, ratioToReference: ratio(rate), extra: extra)
    }
}
