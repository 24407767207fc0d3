import Deferrable

/// `enqueue-bulk`: one task pushing batches of B through `laterMany` (one round trip per batch on Redis).
enum EnqueueBulkPhase {
    /// Runs the phase.
    static func run(_ context: PhaseContext) async throws -> PhaseResult {
        let n = context.settings.n
        let batch = context.settings.batch
        return try await BenchInstance.with(context, phase: .enqueueBulk) { instance in
            try await instance.handle.later(BenchArgs(seq: -1, sentAt: 0))
            let meter = PhaseMeter()
            var pushed = 0
            while pushed < n {
                let size = min(batch, n - pushed)
                try await instance.handle.laterMany((pushed..<pushed + size).map { BenchArgs(seq: $0, sentAt: 0) })
                pushed += size
            }
            let reading = meter.stop()
            return context.result(
                .enqueueBulk, n: n, concurrency: 1, seconds: reading.seconds, reading: reading, extra: [("batch", .int(batch))])
        }
    }
}
