/// The resolved options of a benchmark run.
struct BenchSettings: Sendable {
    /// Jobs per phase.
    var n: Int
    /// Producers (`enqueue-concurrent`) or consumers (`drain`, `latency`, `delayed-latency`).
    var concurrency: Int
    /// Jobs per second sent in `latency`.
    var rate: Int
    /// Jobs per `laterMany` call in `enqueue-bulk` (and when pre-queueing for `drain`).
    var batch: Int
    /// How long `latency` sends jobs.
    var latencySeconds: Double
    /// Jobs pushed in `delayed-latency`.
    var delayedJobs: Int
    /// Push-and-await round trips in `result-roundtrip`.
    var roundtrips: Int
    /// Jobs queued in `memory-footprint`.
    var footprintJobs: Int
    /// What each job does.
    var job: JobKind
    /// What runs jobs in `drain` and `latency`.
    var driver: DrainDriver
    /// The executor the tasks run on.
    var executor: BenchExecutor
    /// The Redis URL, if any.
    var redisURL: String?
    /// The PostgreSQL URL, if any.
    var postgresURL: String?
    /// The SQS endpoint URL, if any (else the region's public endpoint).
    var sqsEndpoint: String?
    /// The SQS region requests are signed for.
    var sqsRegion: String
    /// Seconds the `pgbench` reference runs.
    var pgbenchSeconds: Int
    /// Whether to also run the external `redis-benchmark` when it is on PATH.
    var runsRedisBenchmark: Bool
    /// Backends in run order.
    var backends: [BackendKind]
    /// Phases in run order (without `reference`, which runs first whenever Redis or PostgreSQL is measured).
    var phases: [PhaseName]
    /// A short random id that makes group and key names unique to this run.
    var runID: String
}
