import Deferrable

/// `result-latency`: consumers idle (blocked in the backend), then one task pushes jobs that return a value at a
/// fixed rate R (`--rate`, for `--latency-seconds`), and one waiting task per job awaits its future from just after
/// the push. Each job's latency is the monotonic time from its body returning (the value it returns is the
/// ``MonotonicClock`` instant taken just before its `return`) to the waiting task resuming with that value: the
/// settlement that stores the result, and the wake-up of the waiter.
enum ResultLatencyPhase {
    /// How long a caller of the result phases waits for a job's result before the phase fails.
    static let resultWait = Duration.seconds(30)

    /// Runs the phase.
    static func run(_ context: PhaseContext) async throws -> PhaseResult {
        let settings = context.settings
        let count = max(1, Int((Double(settings.rate) * settings.latencySeconds).rounded()))
        let recorder = LatencyRecorder(capacity: count)
        let probe = JobProbe(expected: count)
        return try await BenchInstance.with(
            context, phase: .resultLatency, probe: probe, observesCompletions: true, returnsValues: true
        ) { instance in
            let handle = try instance.requireResultHandle()
            return try await Consumers.whileIdle(instance, settings: settings) {
                let meter = PhaseMeter()
                let sendSeconds = try await withThrowingDiscardingTaskGroup { group in
                    let start = try await FixedRate.run(count: count, perSecond: settings.rate) { seq in
                        let future = try await handle.later(BenchArgs(seq: seq, sentAt: MonotonicClock.nanos()))
                        group.addTask {
                            let returnedAt = try await future.result(waitingUpTo: resultWait)
                            recorder.record(nanos: MonotonicClock.nanos() - returnedAt)
                        }
                    }
                    return start.duration(to: .now).seconds
                }
                let reading = meter.stop()
                return context.result(
                    .resultLatency, n: count, concurrency: settings.concurrency, seconds: reading.seconds, reading: reading,
                    latency: recorder.summary(),
                    extra: [
                        ("rate", .int(settings.rate)),
                        ("send_rate", .double(Double(count) / sendSeconds)),
                        ("driver", .string(settings.driver.label)),
                    ])
            }
        }
    }
}
