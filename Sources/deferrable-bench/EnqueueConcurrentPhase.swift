import Deferrable

/// `enqueue-concurrent`: C tasks awaiting `later()` until N jobs are pushed.
enum EnqueueConcurrentPhase {
    /// Runs the phase.
    static func run(_ context: PhaseContext) async throws -> PhaseResult {
        let n = context.settings.n
        let concurrency = context.settings.concurrency
        return try await BenchInstance.with(context, phase: .enqueueConcurrent) { instance in
            try await instance.handle.later(BenchArgs(seq: -1, sentAt: 0))
            let tickets = TicketCounter()
            let handle = instance.handle
            let meter = PhaseMeter()
            try await withThrowingDiscardingTaskGroup { group in
                for _ in 0..<concurrency {
                    group.addTask {
                        while true {
                            let seq = tickets.take()
                            guard seq < n else { return }
                            try await handle.later(BenchArgs(seq: seq, sentAt: 0))
                        }
                    }
                }
            }
            let reading = meter.stop()
            return context.result(.enqueueConcurrent, n: n, concurrency: concurrency, seconds: reading.seconds, reading: reading)
        }
    }
}
