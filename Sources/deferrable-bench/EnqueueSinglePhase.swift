import Deferrable

/// `enqueue-single`: one task awaiting `later()` N times (one round trip per job on Redis).
enum EnqueueSinglePhase {
    /// Runs the phase.
    static func run(_ context: PhaseContext) async throws -> PhaseResult {
        let n = context.settings.n
        return try await BenchInstance.with(context, phase: .enqueueSingle) { instance in
            try await instance.handle.later(BenchArgs(seq: -1, sentAt: 0))  // warm-up: group registration, script load
            let meter = PhaseMeter()
            for seq in 0..<n {
                try await instance.handle.later(BenchArgs(seq: seq, sentAt: 0))
            }
            let reading = meter.stop()
            return context.result(.enqueueSingle, n: n, concurrency: 1, seconds: reading.seconds, reading: reading)
        }
    }
}
