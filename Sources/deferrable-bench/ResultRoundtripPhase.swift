import Deferrable

/// `result-roundtrip`: consumers idle (blocked in the backend), then one task pushes a job that returns a value and
/// awaits its result (`later()` then `result(waitingUpTo:)`), `--roundtrips` times, one at a time. Each sample is the
/// monotonic time from just before the `later()` to the caller resuming with the value: push, pickup by an idle
/// consumer, the run, the settlement that stores the result, and the wake-up of the waiter. One unmeasured round
/// trip first (group registration, script loads).
enum ResultRoundtripPhase {
    /// Runs the phase.
    static func run(_ context: PhaseContext) async throws -> PhaseResult {
        let settings = context.settings
        let count = settings.roundtrips
        let recorder = LatencyRecorder(capacity: count)
        // Completions are counted only so that the consumers of the `tasks` driver stop after the last round trip.
        let probe = JobProbe(expected: count + 1)
        return try await BenchInstance.with(
            context, phase: .resultRoundtrip, probe: probe, observesCompletions: true, returnsValues: true
        ) { instance in
            let handle = try instance.requireResultHandle()
            return try await Consumers.whileIdle(instance, settings: settings) {
                let wait = ResultLatencyPhase.resultWait
                _ = try await handle.later(BenchArgs(seq: -1, sentAt: 0)).result(waitingUpTo: wait)
                let meter = PhaseMeter()
                for seq in 0..<count {
                    let sentAt = MonotonicClock.nanos()
                    _ = try await handle.later(BenchArgs(seq: seq, sentAt: sentAt)).result(waitingUpTo: wait)
                    recorder.record(nanos: MonotonicClock.nanos() - sentAt)
                }
                let reading = meter.stop()
                return context.result(
                    .resultRoundtrip, n: count, concurrency: settings.concurrency, seconds: reading.seconds, reading: reading,
                    latency: recorder.summary(), extra: [("driver", .string(settings.driver.label))])
            }
        }
    }
}
