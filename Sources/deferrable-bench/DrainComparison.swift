import Deferrable

/// Two drains of N jobs each compared in one run: a baseline and a variant, each in two halves in the order
/// baseline, variant, variant, baseline, so that a drift of the machine's speed during the phase weighs on both alike.
struct DrainComparison {
    /// One side of the comparison: how its jobs are drained.
    struct Side: Sendable {
        /// Push and run the job that returns a value.
        var returningValues = false
        /// Consumers count their runs in the task statistics.
        var recordsStatistics = true
        /// The job runs through this circuit breaker.
        var circuitBreaker: CircuitBreaker?
    }

    var baseline = PhaseMeter.Reading(seconds: 0, cpuSeconds: 0, peakRSSBytes: 0)
    var variant = PhaseMeter.Reading(seconds: 0, cpuSeconds: 0, peakRSSBytes: 0)
    var baselineSeconds = 0.0
    var variantSeconds = 0.0
    let n: Int

    /// Drains `settings.n` jobs on each side.
    static func run(_ context: PhaseContext, phase: PhaseName, baseline: Side, variant: Side) async throws -> DrainComparison {
        let n = context.settings.n
        var comparison = DrainComparison(n: n)
        let halves = [n - n / 2, n / 2]
        for (count, isVariant) in [(halves[0], false), (halves[0], true), (halves[1], true), (halves[1], false)] where count > 0 {
            let drained = try await DrainPhase.measure(context, phase: phase, count: count, side: isVariant ? variant : baseline)
            if isVariant {
                comparison.variant.add(drained.reading)
                comparison.variantSeconds += drained.seconds
            } else {
                comparison.baseline.add(drained.reading)
                comparison.baselineSeconds += drained.seconds
            }
        }
        return comparison
    }

    var baselineRate: Double { baselineSeconds > 0 ? Double(n) / baselineSeconds : 0 }
    var variantRate: Double { variantSeconds > 0 ? Double(n) / variantSeconds : 0 }
    /// Variant throughput over baseline throughput.
    var ratio: Double? { baselineRate > 0 ? variantRate / baselineRate : nil }
    /// One minus ``ratio``: how much slower the variant drains.
    var cost: Double? { ratio.map { 1 - $0 } }
    /// Variant CPU seconds over baseline CPU seconds, minus one.
    var cpuCost: Double? { baseline.cpuSeconds > 0 ? variant.cpuSeconds / baseline.cpuSeconds - 1 : nil }

    /// The phase's row: `seconds`, `jobs_per_sec` and `cpu_seconds` of the variant, and the comparison as
    /// `<b>_jobs_per_sec`, `<v>_jobs_per_sec`, `<v>_to_<b>_ratio`, `<v>_cost_fraction`, `<v>_cpu_cost_fraction` and
    /// `<b>_cpu_seconds`, for the field prefixes `b` (baseline) and `v` (variant).
    func result(_ context: PhaseContext, phase: PhaseName, baselineName b: String, variantName v: String) -> PhaseResult {
        let settings = context.settings
        return context.result(
            phase, n: settings.n, concurrency: settings.concurrency, seconds: variantSeconds, reading: variant,
            extra: [
                ("\(b)_jobs_per_sec", .double(baselineRate)),
                ("\(v)_jobs_per_sec", .double(variantRate)),
                ("\(v)_to_\(b)_ratio", ratio.json),
                ("\(v)_cost_fraction", cost.json),
                ("\(v)_cpu_cost_fraction", cpuCost.json),
                ("\(b)_cpu_seconds", .double(baseline.cpuSeconds)),
                ("driver", .string(settings.driver.label)),
            ])
    }
}
