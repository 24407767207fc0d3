import Deferrable
import DeferrablePostgres
import DeferrableRedis
import DeferrableSQS

/// What a phase needs: the settings, the backend under test, the job body's Redis target and the reference.
struct PhaseContext: Sendable {
    /// The run's settings.
    let settings: BenchSettings
    /// The backend under test.
    let backend: BackendKind
    /// The shared Redis factory when `backend` is `.redis`.
    let redisFactory: RedisBackendFactory?
    /// The shared PostgreSQL factory (schema migrated) when `backend` is `.postgres`.
    var postgresFactory: PostgresBackendFactory? = nil
    /// The shared SQS factory when `backend` is `.sqs`.
    var sqsFactory: SQSBackendFactory? = nil
    /// Where `--job incr` increments.
    let incr: IncrTarget?
    /// The backend's reference, measured earlier in this run: unpipelined LPUSH ops/s through the library client
    /// for Redis, `pgbench` one-row INSERT transactions/s for PostgreSQL, one plain `SendMessage` at a time through
    /// the library's SQS client for SQS.
    let referenceOpsPerSecond: Double?

    /// A factory for one phase: a fresh one for memory (so its memory is released afterwards), the shared one
    /// for Redis, PostgreSQL and SQS (their connections are warm).
    func makeFactory() -> any BackendFactory {
        if let redisFactory { return redisFactory }
        if let postgresFactory { return postgresFactory }
        if let sqsFactory { return sqsFactory }
        return MemoryBackendFactory()
    }

    /// `jobsPerSecond` over the reference, for Redis and PostgreSQL figures.
    func ratio(_ jobsPerSecond: Double) -> Double? {
        guard backend != .memory, let referenceOpsPerSecond, referenceOpsPerSecond > 0 else { return nil }
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
