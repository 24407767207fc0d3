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
        let group = BenchInstance.groupName(.drainResults, context)
        guard try context.makeFactory().makeBackend(group: group).results != nil else {
            throw DeferrableError.resultsNotSupported(group: group)
        }
        let comparison = try await DrainComparison.run(
            context, phase: .drainResults, baseline: .init(), variant: .init(returningValues: true))
        return comparison.result(context, phase: .drainResults, baselineName: "plain", variantName: "results")
    }
}
