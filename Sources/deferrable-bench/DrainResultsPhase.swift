import Deferrable

/// `drain-results`: the cost of keeping results. The same drain as `drain` (N queued jobs, then C consumers) of the
/// same job body, once as the plain job and once as the job that returns a value (registered with `returning:`,
/// its result stored in the settlement); both sides in the same run.
///
/// Each side drains N jobs in two halves, in the order plain, results, results, plain, so that a drift of the
/// machine's speed during the phase weighs on both sides alike. The row's `seconds`, `jobs_per_sec` and
/// `cpu_seconds` are those of the results side; `plain_jobs_per_sec`, `results_to_plain_ratio` (results over plain
/// throughput) and `results_cost_fraction` (one minus that ratio) compare the two.
enum DrainResultsPhase {
    /// Runs the phase.
    /// - Throws: `DeferrableError.resultsNotSupported` before draining anything when the backend keeps no results.
    static func run(_ context: PhaseContext) async throws -> PhaseResult {
        let settings = context.settings
        let group = BenchInstance.groupName(.drainResults, context)
        guard try context.makeFactory().makeBackend(group: group).results != nil else {
            throw DeferrableError.resultsNotSupported(group: group)
        }
        let halves = [settings.n - settings.n / 2, settings.n / 2]
        var plain = PhaseMeter.Reading(seconds: 0, cpuSeconds: 0, peakRSSBytes: 0)
        var results = plain
        var plainSeconds = 0.0
        var resultsSeconds = 0.0
        for (count, returningValues) in [(halves[0], false), (halves[0], true), (halves[1], true), (halves[1], false)] where count > 0 {
            let drained = try await DrainPhase.measure(
                context, phase: .drainResults, count: count, returningValues: returningValues)
            if returningValues {
                results.add(drained.reading)
                resultsSeconds += drained.seconds
            } else {
                plain.add(drained.reading)
                plainSeconds += drained.seconds
            }
        }
        let plainRate = plainSeconds > 0 ? Double(settings.n) / plainSeconds : 0
        let resultsRate = resultsSeconds > 0 ? Double(settings.n) / resultsSeconds : 0
        let ratio = plainRate > 0 ? resultsRate / plainRate : nil
        return context.result(
            .drainResults, n: settings.n, concurrency: settings.concurrency, seconds: resultsSeconds, reading: results,
            extra: [
                ("plain_jobs_per_sec", .double(plainRate)),
                ("results_jobs_per_sec", .double(resultsRate)),
                ("results_to_plain_ratio", ratio.json),
                ("results_cost_fraction", ratio.map { 1 - $0 }.json),
                ("plain_cpu_seconds", .double(plain.cpuSeconds)),
                ("driver", .string(settings.driver.label)),
            ])
    }
}
