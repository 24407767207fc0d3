/// The measured figures of one phase on one backend: one JSON line on stdout and one row of the table.
struct PhaseResult: Sendable {
    /// Phase name (`enqueue-single`, `reference-lpush`, ...).
    var phase: String
    /// `memory`, `redis`, `postgres`, or `redis-benchmark` / `pgbench` for the external tools.
    var backend: String
    /// Job body (`noop`/`incr`), or `-` for reference measurements.
    var job: String
    /// Jobs (or operations) measured.
    var n: Int
    /// Concurrent producers, consumers or clients.
    var concurrency: Int
    /// Wall seconds of the timed section.
    var seconds: Double
    /// Throughput: `n / seconds`.
    var jobsPerSecond: Double
    /// Push-to-start latency percentiles (latency phase only).
    var latency: LatencySummary?
    /// CPU seconds of this process during the timed section (`nil` for the external tools).
    var cpuSeconds: Double?
    /// Peak RSS of this process at the end of the phase.
    var peakRSSBytes: Int
    /// `jobsPerSecond` over the reference of the same run: the unpipelined LPUSH ceiling for Redis figures, the
    /// `pgbench` one-row INSERT for PostgreSQL figures; `nil` for memory.
    var ratioToReference: Double?
    /// Phase-specific fields appended to the JSON line.
    var extra: [(String, JSONValue)] = []

    /// The JSON line.
    var jsonLine: String {
        var fields: [(String, JSONValue)] = [
            ("phase", .string(phase)),
            ("backend", .string(backend)),
            ("job", .string(job)),
            ("n", .int(n)),
            ("concurrency", .int(concurrency)),
            ("seconds", .double(seconds)),
            ("jobs_per_sec", .double(jobsPerSecond)),
        ]
        if let latency {
            fields.append(
                (
                    "latency_ms",
                    .object([
                        ("p50", .double(latency.p50)), ("p90", .double(latency.p90)), ("p99", .double(latency.p99)),
                        ("max", .double(latency.max)),
                    ])
                )
            )
        }
        fields.append(("cpu_seconds", cpuSeconds.json))
        fields.append(("peak_rss_bytes", .int(peakRSSBytes)))
        fields.append(("ratio_to_reference", ratioToReference.json))
        fields.append(contentsOf: extra)
        return JSONValue.object(fields).rendered
    }
}
