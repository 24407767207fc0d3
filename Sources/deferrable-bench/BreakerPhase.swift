import Deferrable
import DeferrableRedis

/// `breaker`: the cost of a circuit breaker. First N no-op calls through a closed breaker one at a time
/// (`guarded_call_us`: wall microseconds per call; on Redis two script calls each, an acquire and a report) and from C
/// tasks at once (`concurrent_guarded_calls_per_sec`); then the drain of `drain`, once with a job that names no
/// breaker and once with one that names a closed breaker (``DrainComparison``). The row's `seconds`, `jobs_per_sec`
/// and `cpu_seconds` are the drain through the breaker; `none_jobs_per_sec`, `breaker_to_none_ratio` and
/// `breaker_cost_fraction` (issue 20's target is ≤ 0.10) compare the drains. The breaker's store is the backend's:
/// memory, or Redis (on PostgreSQL, which has no store, the memory store; `store` says which).
enum BreakerPhase {
    /// Runs the phase.
    static func run(_ context: PhaseContext) async throws -> PhaseResult {
        let settings = context.settings
        let store: any CircuitBreakerStore =
            context.redisFactory.map { RedisCircuitBreakerStore(factory: $0) } ?? MemoryCircuitBreakerStore()
        let breaker = try CircuitBreaker(
            name: "bench-\(settings.runID)", policy: try CircuitBreakerPolicy(trip: .consecutiveFailures(5)), store: store)
        _ = try await breaker.run { 0 }  // warm-up: script load
        let n = settings.n
        let single = PhaseMeter()
        for _ in 0..<n {
            _ = try await breaker.run { 0 }
        }
        let singleReading = single.stop()
        let concurrency = max(1, settings.concurrency)
        let concurrent = PhaseMeter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<concurrency {
                let calls = n / concurrency + (task < n % concurrency ? 1 : 0)
                group.addTask {
                    for _ in 0..<calls { _ = try await breaker.run { 0 } }
                }
            }
            try await group.waitForAll()
        }
        let concurrentReading = concurrent.stop()
        try await breaker.apply(.reset)

        let comparison = try await DrainComparison.run(
            context, phase: .breaker, baseline: .init(), variant: .init(circuitBreaker: breaker))
        var result = comparison.result(context, phase: .breaker, baselineName: "none", variantName: "breaker")
        let singleRate = Double(n) / singleReading.seconds
        result.extra += [
            ("store", .string(context.redisFactory == nil ? "memory" : "redis")),
            ("guarded_call_us", .double(singleReading.seconds / Double(n) * 1e6)),
            ("guarded_call_cpu_us", .double(singleReading.cpuSeconds / Double(n) * 1e6)),
            ("guarded_calls_per_sec", .double(singleRate)),
            ("guarded_calls_to_reference_ratio", context.ratio(singleRate).json),
            ("concurrent_guarded_calls_per_sec", .double(Double(n) / concurrentReading.seconds)),
        ]
        return result
    }
}
