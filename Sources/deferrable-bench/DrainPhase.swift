import Deferrable

/// `drain`: N jobs already queued, then C consumers start; timed from the first job start to the last completion
/// (the `.complete` event, emitted after the job is settled in the backend).
enum DrainPhase {
    /// Runs the phase.
    static func run(_ context: PhaseContext) async throws -> PhaseResult {
        let settings = context.settings
        let probe = JobProbe(expected: settings.n)
        return try await BenchInstance.with(context, phase: .drain, probe: probe, observesCompletions: true) { instance in
            try await instance.queue(settings.n, batch: settings.batch)
            let meter = PhaseMeter()
            let consumers = Consumers.start(instance, concurrency: settings.concurrency, driver: settings.driver, idleWait: .zero)
            do {
                try await probe.waitUntilDone(limit: .seconds(max(120, settings.n / 500)), what: "drain")
            } catch {
                await consumers.stop()
                throw error
            }
            let reading = meter.stop()
            await consumers.stop()
            return context.result(
                .drain, n: settings.n, concurrency: settings.concurrency, seconds: probe.drainSeconds, reading: reading,
                extra: [("driver", .string(settings.driver.label))])
        }
    }
}
