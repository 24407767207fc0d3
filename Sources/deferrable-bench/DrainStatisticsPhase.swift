import Deferrable

/// `drain-stats`: the cost of task statistics. The same drain as `drain` (N queued jobs, then C consumers), once with
/// the consumers' statistics off and once on (``JobDefaults/recordsStatistics``), both in the same run
/// (``DrainComparison``). The row's `seconds`, `jobs_per_sec` and `cpu_seconds` are those with statistics on;
/// `off_jobs_per_sec`, `stats_to_off_ratio` and `stats_cost_fraction` (one minus that ratio) compare the two.
enum DrainStatisticsPhase {
    /// Runs the phase.
    /// - Throws: `DeferrableError.statisticsNotSupported` before draining anything when the backend keeps none.
    static func run(_ context: PhaseContext) async throws -> PhaseResult {
        let group = BenchInstance.groupName(.drainStatistics, context)
        guard try context.makeFactory().makeBackend(group: group).statistics != nil else {
            throw DeferrableError.statisticsNotSupported(group: group)
        }
        let comparison = try await DrainComparison.run(
            context, phase: .drainStatistics, baseline: .init(recordsStatistics: false), variant: .init(recordsStatistics: true))
        return comparison.result(context, phase: .drainStatistics, baselineName: "off", variantName: "stats")
    }
}
