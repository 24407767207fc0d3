import DeferrableSignals

/// `pool` (in process, reported on the memory backend): the cost of the short-term pool.
///
/// N trivial items one at a time through `pool.run`, with the default time limit (`run_us`: each run is a task of
/// its own) and without one (`run_no_limit_us`: the body runs in the caller), against the same trivial body
/// awaited directly (`direct_call_us`, the reference of the same run); `overhead_us` and `overhead_no_limit_us` are
/// the differences. Then 100,000 items through `pool.map` on a pool of 16: the row's `seconds`, `jobs_per_sec` and
/// `cpu_seconds`, and `resident_growth_bytes` (the resident set after the map over the one before it).
enum PoolPhase {
    static let mapItems = 100_000

    /// Runs the phase.
    static func run(_ context: PhaseContext) async throws -> PhaseResult {
        let n = context.settings.n
        let body: @Sendable () async throws -> Int = { 1 }
        let direct = PhaseMeter()
        var sum = 0
        for _ in 0..<n { sum &+= try await body() }
        let directReading = direct.stop()

        let limited = try ShortTermPool(name: "bench", configuration: .init(concurrency: 16))
        let withLimit = PhaseMeter()
        for _ in 0..<n { sum &+= try await limited.run(body) }
        let limitReading = withLimit.stop()

        let unlimited = try ShortTermPool(name: "bench-no-limit", configuration: .init(concurrency: 16, timeLimit: nil))
        let withoutLimit = PhaseMeter()
        for _ in 0..<n { sum &+= try await unlimited.run(body) }
        let noLimitReading = withoutLimit.stop()

        ResourceUsage.releaseFreeMemory()
        let before = ResourceUsage.residentBytes() ?? 0
        let pool = try ShortTermPool(name: "bench-map", configuration: .init(concurrency: 16))
        let mapMeter = PhaseMeter()
        let results = try await pool.map(0..<mapItems) { $0 &+ 1 }
        let mapReading = mapMeter.stop()
        let after = ResourceUsage.residentBytes() ?? 0
        guard results.count == mapItems, sum == 3 * n else { throw BenchError.invalidOptions("the pool lost items") }

        let directMicros = directReading.seconds / Double(n) * 1e6
        let limitMicros = limitReading.seconds / Double(n) * 1e6
        let noLimitMicros = noLimitReading.seconds / Double(n) * 1e6
        return context.result(
            .pool, n: mapItems, concurrency: 16, seconds: mapReading.seconds, reading: mapReading,
            extra: [
                ("direct_call_us", .double(directMicros)),
                ("run_us", .double(limitMicros)),
                ("run_no_limit_us", .double(noLimitMicros)),
                ("overhead_us", .double(limitMicros - directMicros)),
                ("overhead_no_limit_us", .double(noLimitMicros - directMicros)),
                ("run_cpu_us", .double(limitReading.cpuSeconds / Double(n) * 1e6)),
                ("resident_growth_bytes", .int(after - before)),
            ])
    }
}
