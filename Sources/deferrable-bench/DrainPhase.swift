import Deferrable

/// `drain`: N jobs already queued, then C consumers start; timed from the first job start to the last completion
/// (the `.complete` event, emitted after the job is settled in the backend).
enum DrainPhase {
    /// Runs the phase.
    static func run(_ context: PhaseContext) async throws -> PhaseResult {
        let settings = context.settings
        let drained = try await measure(context, phase: .drain, count: settings.n)
        return context.result(
            .drain, n: settings.n, concurrency: settings.concurrency, seconds: drained.seconds, reading: drained.reading,
            extra: [("driver", .string(settings.driver.label))])
    }

    /// Drains `count` queued jobs on a group of its own for `phase`: of the benchmark job that returns a value when
    /// `returningValues`, else of the plain one.
    /// - Returns: seconds from the first job start to the last completion, and the meter's reading over the drain.
    static func measure(
        _ context: PhaseContext, phase: PhaseName, count: Int, side: DrainComparison.Side = .init()
    ) async throws -> (seconds: Double, reading: PhaseMeter.Reading) {
        let settings = context.settings
        let probe = JobProbe(expected: count)
        return try await BenchInstance.with(
            context, phase: phase, probe: probe, observesCompletions: true, returnsValues: side.returningValues,
            recordsStatistics: side.recordsStatistics, circuitBreaker: side.circuitBreaker
        ) { instance in
            try await instance.queue(count, batch: settings.batch, returningValues: side.returningValues)
            let meter = PhaseMeter()
            let consumers = Consumers.start(instance, concurrency: settings.concurrency, driver: settings.driver, idleWait: .zero)
            do {
                try await probe.waitUntilDone(limit: .seconds(max(120, count / 500)), what: phase.rawValue)
            } catch {
                await consumers.stop()
                throw error
            }
            let reading = meter.stop()
            await consumers.stop()
            return (probe.drainSeconds, reading)
        }
    }
}
