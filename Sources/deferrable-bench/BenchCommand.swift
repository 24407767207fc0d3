import ArgumentParser
import Deferrable
import DeferrablePostgres
import DeferrableRedis
import Foundation
import Logging
import Synchronization

/// `deferrable-bench`: throughput and latency of Deferrable's public API on the memory, Redis and PostgreSQL
/// backends.
///
/// Prints one JSON line per phase on standard output and an aligned table on standard error. Build and run it in
/// release mode (`swift run -c release deferrable-bench`); `scripts/bench.sh` does that against a throwaway
/// `redis-server` (and, with `--backend postgres`, a throwaway PostgreSQL cluster).
struct BenchCommand: AsyncParsableCommand {
    /// Whether ``BenchMain`` installed NIO as the global executor (`--executor` is read ahead of the parser).
    static let nioExecutorInstalled = Atomic<Bool>(false)

    /// The command's name and help.
    static let configuration = CommandConfiguration(
        commandName: "deferrable-bench",
        abstract: "Measures Deferrable's enqueue and drain throughput and pickup latency.",
        discussion: """
            Phases: enqueue-single, enqueue-concurrent, enqueue-bulk, drain, drain-results, drain-stats, latency, delayed-latency, \
            result-latency, result-roundtrip, memory-footprint (memory backend; default only with --n >= 100000) and reference (Redis round-trip \
            ceiling; always run when Redis is measured; for PostgreSQL, pgbench with a one-row INSERT script and one \
            client, the figure every PostgreSQL ratio divides by). Each phase uses a group of its own and flushes it \
            afterwards. The x ref column: Redis rows over the unpipelined LPUSH, PostgreSQL rows over pgbench.

            delayed-latency: with the consumers idle, one task pushes --delayed-jobs jobs, 100 a second, with delays \
            spread evenly over 0.1 to 1 s (the golden-ratio sequence, the same in every run); latency_ms is each job's lateness, from its due time \
            (the instant just before its later() plus its delay) to the start of its body, so it includes the push's \
            round trip; early_starts counts jobs that started before that instant (both backends keep due times in \
            whole milliseconds of a clock read to the millisecond below, so a job can start up to 1 ms before it); \
            redis_hz is the server's hz, which the phase leaves as it is.

            The result phases (on backends that keep job results; others are skipped with a note) use the same job \
            registered with returning: (an Int64). drain-results drains N jobs of the plain job and N of the one that \
            returns a value, in halves ordered plain, results, results, plain, and reports both throughputs and their \
            ratio. result-latency: idle consumers, --rate jobs a second for --latency-seconds, one waiting task per \
            job; latency_ms is the time from the body's return to the waiting task resuming with the value. \
            result-roundtrip: idle consumers, --roundtrips times later() then result(waitingUpTo:), one at a time; \
            latency_ms is each round trip.

            drain-stats drains N jobs with the consumers' task statistics off and N with them on, in halves ordered             off, on, on, off, and reports both throughputs, their ratio (stats_cost_fraction) and the CPU cost. Every             other phase runs with statistics on (the default).
            """)

    @Option(
        help: """
            Executor of the benchmark's tasks: default (Swift's thread pool), or nio (SwiftNIO's event loops as the \
            global executor, an application choice that saves a thread hop per Redis round trip).
            """)
    var executor: BenchExecutor = .default

    @Option(help: "Jobs per phase (and operations per reference loop).")
    var n = 20_000

    @Option(help: "Producers in enqueue-concurrent; consumers in drain, latency and delayed-latency.")
    var concurrency = 64

    @Option(help: "Jobs per second sent in the latency phase.")
    var rate = 500

    @Option(help: "Jobs per laterMany call in enqueue-bulk.")
    var batch = 1000

    @Option(help: "Seconds the latency phase sends jobs.")
    var latencySeconds = 3.0

    @Option(help: "Jobs pushed with a delay in the delayed-latency phase.")
    var delayedJobs = 200

    @Option(help: "Push-and-await round trips in result-roundtrip.")
    var roundtrips = 2000

    @Option(help: "Jobs queued in memory-footprint.")
    var footprintJobs = 1_000_000

    @Option(help: "Comma-separated phases, or 'all'. Default: all (memory-footprint only with --n >= 100000).")
    var phases: String?

    @Option(help: "Job body: noop, or incr (one INCR through a Redis client of its own; needs --redis).")
    var job: JobKind = .noop

    @Option(help: "Redis URL, e.g. redis://127.0.0.1:6379.")
    var redis: String?

    @Option(help: "PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/postgres (the schema 'deferrable' is migrated).")
    var postgres: String?

    @Option(help: "SQS endpoint URL, e.g. http://127.0.0.1:5000 (an emulator); without it, the public endpoint of --sqs-region.")
    var sqsEndpoint: String?

    @Option(help: "SQS region (credentials from the AWS environment variables or ~/.aws/credentials).")
    var sqsRegion = "us-east-1"

    @Option(help: "Seconds the pgbench reference runs (PostgreSQL only).")
    var pgbenchSeconds = 5

    @Option(
        help:
            "memory, redis, both, postgres or sqs (default: both with --redis, postgres with only --postgres, sqs with only --sqs-endpoint, else memory)."
    )
    var backend: BackendSelection?

    @Option(help: "What runs jobs in drain and the latency phases: worker (a Worker) or tasks (C tasks looping runOnce).")
    var driver: DrainDriver = .worker

    @Flag(inversion: .prefixedNo, help: "Also run redis-benchmark (if on PATH) as a reference; it writes the key 'mylist'.")
    var redisBenchmark = true

    @Flag(help: "Log the library's warnings and info messages to standard error.")
    var verbose = false

    /// Checks the options.
    mutating func validate() throws {
        guard n > 0, concurrency > 0, rate > 0, batch > 0, latencySeconds > 0, delayedJobs > 0, roundtrips > 0, footprintJobs > 0,
            pgbenchSeconds > 0
        else {
            throw ValidationError(
                "--n, --concurrency, --rate, --batch, --latency-seconds, --delayed-jobs, --roundtrips, --footprint-jobs and --pgbench-seconds must be positive"
            )
        }
        guard delayedJobs <= 100_000 else {
            throw ValidationError("--delayed-jobs must be at most 100000")
        }
        guard roundtrips <= 1_000_000 else {
            throw ValidationError("--roundtrips must be at most 1000000")
        }
        guard pgbenchSeconds <= 3600 else {
            throw ValidationError("--pgbench-seconds must be at most 3600")
        }
        if backend == .postgres, postgres == nil {
            throw ValidationError("--backend postgres needs --postgres URL")
        }
        if backend == .redis || backend == .both || job == .incr, redis == nil {
            throw ValidationError("--backend redis/both and --job incr need --redis URL")
        }
        if let phases, case .failure(let unknown) = PhaseName.parseList(phases) {
            throw ValidationError(
                "unknown phase '\(unknown.name)'; phases: all, \(PhaseName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// Runs the benchmark.
    func run() async throws {
        let level: Logger.Level = verbose ? .info : .error
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        _ = MonotonicClock.nanos()  // fix the clock's origin before any job carries a send instant
        let settings = try resolve()
        // Fails before anything is measured when the URL is invalid or Redis does not answer.
        if let url = settings.redisURL, settings.backends.contains(.redis) || settings.job == .incr {
            try await RedisClient.checkReachable(try RedisConfiguration(url: url))
        }
        StandardStreams.error(
            "deferrable-bench: backends \(settings.backends.map(\.rawValue).joined(separator: ",")), phases "
                + "\(settings.phases.map(\.rawValue).joined(separator: ",")), n \(settings.n), concurrency \(settings.concurrency), "
                + "job \(settings.job.rawValue), driver \(settings.driver.label), executor \(settings.executor.rawValue)\n")
        if executor != settings.executor {
            StandardStreams.error("deferrable-bench: could not install NIO as the global executor; using the default\n")
        }
        let results = try await BenchRun(settings: settings).run()
        ResultTable.print(results)
    }

    private func resolve() throws -> BenchSettings {
        let selection = backend ?? (redis != nil ? .both : postgres != nil ? .postgres : sqsEndpoint != nil ? .sqs : .memory)
        var selected: [PhaseName]
        if let phases, case .success(let parsed) = PhaseName.parseList(phases) {
            selected = parsed
        } else {
            selected = PhaseName.allCases
        }
        let namesFootprint =
            phases?.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == PhaseName.memoryFootprint.rawValue }
            ?? false
        if !namesFootprint, n < 100_000 {
            selected.removeAll { $0 == .memoryFootprint }
        }
        var unique: [PhaseName] = []
        for phase in PhaseName.allCases where selected.contains(phase) {
            unique.append(phase)
        }
        return BenchSettings(
            n: n, concurrency: concurrency, rate: rate, batch: batch, latencySeconds: latencySeconds,
            delayedJobs: delayedJobs, roundtrips: roundtrips, footprintJobs: footprintJobs, job: job, driver: driver,
            executor: Self.nioExecutorInstalled.load(ordering: .relaxed) ? .nio : .default, redisURL: redis,
            postgresURL: postgres, sqsEndpoint: sqsEndpoint, sqsRegion: sqsRegion, pgbenchSeconds: pgbenchSeconds,
            runsRedisBenchmark: redisBenchmark,
            backends: selection.kinds, phases: unique,
            runID: String(UUID().uuidString.prefix(8)).lowercased())
    }
}
