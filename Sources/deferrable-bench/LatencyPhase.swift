import Deferrable

/// `latency`: consumers idle (blocked in the backend), then jobs sent by one task at a fixed rate R; each job's
/// push-to-start latency is the monotonic time from just before its `later()` to the start of its body.
///
/// Before sending, the idle consumers' CPU use is measured over one second (`idle_cpu_fraction`: CPU seconds
/// per wall second of the whole process while nothing is queued).
enum LatencyPhase {
    /// Runs the phase.
    static func run(_ context: PhaseContext) async throws -> PhaseResult {
        let settings = context.settings
        let count = max(1, Int((Double(settings.rate) * settings.latencySeconds).rounded()))
        let recorder = LatencyRecorder(capacity: count)
        let probe = JobProbe(expected: count, latencies: recorder)
        return try await BenchInstance.with(context, phase: .latency, probe: probe, observesCompletions: true) { instance in
            try await Consumers.whileIdle(instance, settings: settings) {
                let idleStart = ResourceUsage.now()
                let idleClock = ContinuousClock.now
                try await Task.sleep(for: .seconds(1))
                let idleCPU = (ResourceUsage.now().cpuSeconds - idleStart.cpuSeconds) / idleClock.duration(to: .now).seconds

                let meter = PhaseMeter()
                let start = try await FixedRate.run(count: count, perSecond: settings.rate) { seq in
                    try await instance.handle.later(BenchArgs(seq: seq, sentAt: MonotonicClock.nanos()))
                }
                let sendSeconds = start.duration(to: .now).seconds
                try await probe.waitUntilDone(limit: .seconds(30), what: "latency")
                let reading = meter.stop()
                return context.result(
                    .latency, n: count, concurrency: settings.concurrency, seconds: reading.seconds, reading: reading,
                    latency: recorder.summary(),
                    extra: [
                        ("rate", .int(settings.rate)),
                        ("send_rate", .double(Double(count) / sendSeconds)),
                        ("idle_cpu_fraction", .double(idleCPU)),
                        ("driver", .string(settings.driver.label)),
                    ])
            }
        }
    }
}
