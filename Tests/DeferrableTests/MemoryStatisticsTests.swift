import Deferrable
import Testing

/// The memory backend's statistics against a manual clock: buckets of each resolution, their expiry, and the
/// percentile window.
@Suite("Memory statistics")
struct MemoryStatisticsTests {
    private static func make() throws -> (ManualClock, Deferrable, JobHandle<Int>) {
        let clock = ManualClock(startMillis: 1_800_000_000_000)
        let deferrable = try Deferrable(factory: MemoryBackendFactory(clock: clock), group: "g", clock: clock)
        let job = try deferrable.register("j") { (_: Int, _) in }
        return (clock, deferrable, job)
    }

    private static func runOne(_ deferrable: Deferrable, _ job: JobHandle<Int>) async throws {
        try await job.later(1)
        #expect(try await deferrable.runOnce(waitingUpTo: .zero).label == "completed")
    }

    @Test("each resolution keeps its buckets for its retention, then they read as zero")
    func retention() async throws {
        let (clock, deferrable, job) = try Self.make()
        try await Self.runOne(deferrable, job)
        for resolution in HistoryResolution.allCases {
            let kept = try await deferrable.history(resolution: resolution, limit: resolution.bucketsKept)
            #expect(kept.count == resolution.bucketsKept)
            #expect(kept.last?.counts.succeeded == 1, "\(resolution)")
            #expect(kept.dropLast().allSatisfy { $0.counts.total == 0 })
        }
        // 8 hours later the run has left the minute buckets, but not the ten-minute or day ones.
        clock.advance(by: .seconds(8 * 3600))
        #expect(try await deferrable.history(resolution: .minute, limit: 480).reduce(0) { $0 + $1.counts.total } == 0)
        #expect(try await deferrable.history(resolution: .tenMinutes, limit: 432).reduce(0) { $0 + $1.counts.total } == 1)
        clock.advance(by: .seconds(3 * 86400))
        #expect(try await deferrable.history(resolution: .tenMinutes, limit: 432).reduce(0) { $0 + $1.counts.total } == 0)
        #expect(try await deferrable.history(resolution: .day, limit: 90).reduce(0) { $0 + $1.counts.total } == 1)
        clock.advance(by: .seconds(90 * 86400))
        #expect(try await deferrable.history(resolution: .day, limit: 90).reduce(0) { $0 + $1.counts.total } == 0)
        // The totals stay.
        #expect(try await deferrable.taskStatistics(name: "j").counts.succeeded == 1)
    }

    @Test("a new bucket in a reused ring slot starts from zero")
    func ringReuse() async throws {
        let (clock, deferrable, job) = try Self.make()
        try await Self.runOne(deferrable, job)
        clock.advance(by: .seconds(480 * 60))  // the same slot of the minute ring
        try await Self.runOne(deferrable, job)
        let minutes = try await deferrable.history(resolution: .minute, limit: 480)
        #expect(minutes.last?.counts.succeeded == 1)
        #expect(minutes.reduce(0) { $0 + $1.counts.total } == 1)
    }

    @Test("percentiles cover the last 5 minutes only")
    func percentileWindow() async throws {
        let (clock, deferrable, job) = try Self.make()
        try await Self.runOne(deferrable, job)
        #expect(try await deferrable.taskStatistics(name: "j").runTime?.samples == 1)
        clock.advance(by: .seconds(4 * 60))
        #expect(try await deferrable.taskStatistics(name: "j").runTime?.samples == 1)
        clock.advance(by: .seconds(60))
        #expect(try await deferrable.taskStatistics(name: "j").runTime == nil)
        #expect(try await deferrable.taskStatistics(name: "j").queueWait == nil)
    }

    @Test("history bucket starts are whole buckets, one bucket apart")
    func bucketStarts() async throws {
        let (_, deferrable, _) = try Self.make()
        for resolution in HistoryResolution.allCases {
            let buckets = try await deferrable.history(resolution: resolution, limit: 3)
            #expect(buckets.allSatisfy { $0.startMillis % resolution.bucketMillis == 0 })
            #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $1.startMillis - $0.startMillis == resolution.bucketMillis })
        }
    }
}
