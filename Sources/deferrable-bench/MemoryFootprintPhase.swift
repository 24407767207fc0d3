import Deferrable

/// `memory-footprint` (memory backend only): resident memory of many queued small jobs, as bytes per job.
///
/// Freed heap is returned to the system (`malloc_trim`) before the baseline and again after queueing, so
/// `bytes_per_job` is the growth of the resident set that the queued jobs hold. `peak_bytes_per_job` uses the
/// process's peak RSS instead (it includes transient batch arrays and is an upper bound when earlier phases
/// peaked higher).
enum MemoryFootprintPhase {
    /// Runs the phase.
    static func run(_ context: PhaseContext) async throws -> PhaseResult {
        let settings = context.settings
        let count = settings.footprintJobs
        return try await BenchInstance.with(context, phase: .memoryFootprint) { instance in
            ResourceUsage.releaseFreeMemory()
            let before = ResourceUsage.residentBytes() ?? ResourceUsage.now().peakRSSBytes
            let meter = PhaseMeter()
            try await instance.queue(count, batch: settings.batch)
            let reading = meter.stop()
            ResourceUsage.releaseFreeMemory()
            let after = ResourceUsage.residentBytes() ?? reading.peakRSSBytes
            let stats = try await instance.deferrable.backend.queue.stats()
            return context.result(
                .memoryFootprint, n: count, concurrency: 1, seconds: reading.seconds, reading: reading,
                extra: [
                    ("queued", .int(stats.available)),
                    ("resident_before_bytes", .int(before)),
                    ("resident_after_bytes", .int(after)),
                    ("bytes_per_job", .double(Double(after - before) / Double(count))),
                    ("peak_bytes_per_job", .double(Double(reading.peakRSSBytes - before) / Double(count))),
                ])
        }
    }
}
