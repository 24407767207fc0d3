import Deferrable
import DeferrableTestSupport
import Synchronization
import Testing

/// Task statistics on each backend: one count per settlement and outcome, the unknown row, running jobs read from
/// leases, percentiles, history buckets.
@Suite("Statistics behaviour")
struct StatisticsBehaviourTests {
    struct Flaky: Error {}

    /// `true` the first time only.
    final class FirstTime: Sendable {
        private let claimed = Mutex(false)
        func claim() -> Bool {
            claimed.withLock { claimed in
                defer { claimed = true }
                return !claimed
            }
        }
    }

    @Test("every outcome is counted once under its job name", arguments: TestBackend.keepingRecords)
    func outcomes(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable(defaults: JobDefaults(backoff: .immediate))
        let succeeds = try deferrable.register("ok") { (_: Numbered, _) in }
        let fails = try deferrable.register("fails", options: JobOptions(maxAttempts: 1)) { (_: Numbered, _) in throw BoomError() }
        let retries = try deferrable.register("retries", options: JobOptions(maxAttempts: 2, retry: .on(Flaky.self))) {
            (_: Numbered, context) in
            if context.attempt == 1 { throw Flaky() }
        }
        let discards = try deferrable.register("discards") { (_: Numbered, _) in throw JobControl.discard("no") }
        let firstRun = FirstTime()
        let reschedules = try deferrable.register("reschedules") { (_: Numbered, _) in
            if firstRun.claim() { throw JobControl.reschedule(after: .zero) }
        }
        for n in 0..<3 { try await succeeds.later(Numbered(n: n)) }
        try await fails.later(Numbered(n: 0))
        try await retries.later(Numbered(n: 0))
        try await discards.later(Numbered(n: 0))
        try await reschedules.later(Numbered(n: 0))
        var outcomes: [RunOutcome] = []
        while outcomes.count < 9 { outcomes.append(try await runEventually(deferrable)) }

        let rows = Dictionary(uniqueKeysWithValues: try await deferrable.taskStatistics().map { ($0.name, $0) })
        #expect(rows["ok"]?.counts == TaskCounts(succeeded: 3))
        #expect(rows["fails"]?.counts == TaskCounts(failed: 1))
        #expect(rows["retries"]?.counts == TaskCounts(succeeded: 1, retried: 1))
        #expect(rows["discards"]?.counts == TaskCounts(discarded: 1))
        #expect(rows["reschedules"]?.counts == TaskCounts(succeeded: 1, rescheduled: 1))
        #expect(rows["ok"]?.total == 3)
        #expect(rows["ok"]?.running == 0)
        let ok = try #require(rows["ok"])
        let first = try #require(ok.firstSeenMillis)
        let last = try #require(ok.lastSeenMillis)
        #expect(first <= last)
        #expect(ok.runTime?.samples == 3)
        #expect(ok.queueWait?.samples == 3)
        #expect(try #require(ok.runTime).p50 <= ok.runTime!.p99)
    }

    @Test("an expired job is counted as expired", arguments: TestBackend.keepingRecords)
    func expired(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let job = try deferrable.register("short-lived", options: JobOptions(ttl: .milliseconds(50))) { (_: Numbered, _) in }
        try await job.later(Numbered(n: 1))
        // The TTL is a wall-clock condition: wait it out, then the consumer finds the job expired.
        try await Task.sleep(for: .milliseconds(120))
        #expect(try await runEventually(deferrable).label == "expired")
        let row = try await deferrable.taskStatistics(name: "short-lived")
        #expect(row.counts == TaskCounts(expired: 1))
        #expect(row.runTime == nil)
    }

    @Test("names no consumer registered share the unknown row", arguments: TestBackend.keepingRecords)
    func unknownNames(backend: TestBackend) async throws {
        let factory = try await backend.makeFactory()
        let group = TestBackend.uniqueGroup()
        let producer = try Deferrable(factory: factory, group: group)
        let consumer = try Deferrable(factory: factory, group: group)
        _ = try consumer.register("known") { (_: Numbered, _) in }
        for typo in ["typo-1", "typo-2"] {
            let handle = try producer.register(typo) { (_: Numbered, _) in }
            try await handle.later(Numbered(n: 0))
        }
        #expect(try await runEventually(consumer).isFailed)
        #expect(try await runEventually(consumer).isFailed)
        let names = try await consumer.taskStatistics().map(\.name)
        #expect(names == ["known", TaskStatistics.unknownName])
        #expect(try await consumer.taskStatistics(name: TaskStatistics.unknownName).counts == TaskCounts(failed: 2))
    }

    @Test(
        "running is read from live leases: a job counts while leased, and stops when its lease lapses",
        arguments: TestBackend.keepingRecords)
    func runningFromLeases(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let job = try deferrable.register("slow") { (_: Numbered, _) in }
        try await job.later(Numbered(n: 1))
        try await job.later(Numbered(n: 2))
        // One run announces the name as a consumer does; the other job is taken under a lease and never run.
        #expect(try await deferrable.runOnce(waitingUpTo: .zero) != .empty)
        // A lease long enough that a loaded machine cannot let it lapse before the first check.
        let leased = try #require(try await popEventually(deferrable.backend.queue, lease: .seconds(2)))
        #expect(try await deferrable.taskStatistics(name: "slow").running == 1)
        // Nobody settles or extends it: once the lease lapses the job no longer counts as running.
        let deadline = ContinuousClock.now + patience
        while try await deferrable.taskStatistics(name: "slow").running != 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await deferrable.taskStatistics(name: "slow").running == 0)
        _ = leased
    }

    @Test("a repeated settlement counts once", arguments: TestBackend.keepingRecords)
    func repeatCountsOnce(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let job = try deferrable.register("once") { (_: Numbered, _) in }
        try await job.later(Numbered(n: 1))
        let queue = deferrable.backend.queue
        let leased = try #require(try await popEventually(queue, lease: .seconds(30)))
        let tally = TaskTally(name: "once", outcome: .succeeded, runTime: .milliseconds(1), queueWait: .zero)
        #expect(try await queue.settle(leased, .complete(result: nil), tally: tally))
        // A repeat of the same settlement (a consumer whose reply was lost) may answer true but counts nothing.
        _ = try await queue.settle(leased, .complete(result: nil), tally: tally)
        #expect(try await deferrable.taskStatistics(name: "once").counts == TaskCounts(succeeded: 1))
    }

    @Test("a settlement whose lease was lost counts nothing", arguments: TestBackend.keepingRecords)
    func lostLeaseCountsNothing(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let job = try deferrable.register("lost") { (_: Numbered, _) in }
        try await job.later(Numbered(n: 1))
        let queue = deferrable.backend.queue
        let stale = try #require(try await popEventually(queue, lease: .milliseconds(100)))
        // Its lease lapses and another consumer takes the job over.
        let current = try #require(try await popEventually(queue, lease: .seconds(30)))
        #expect(current.leaseToken != stale.leaseToken)
        let tally = TaskTally(name: "lost", outcome: .succeeded)
        #expect(try await queue.settle(stale, .complete(result: nil), tally: tally) == false)
        #expect(try await deferrable.taskStatistics(name: "lost").total == 0)
        #expect(try await queue.settle(current, .complete(result: nil), tally: tally))
        #expect(try await deferrable.taskStatistics(name: "lost").counts == TaskCounts(succeeded: 1))
    }

    @Test("a payload that is not an envelope counts as failed under unknown", arguments: TestBackend.keepingRecords)
    func malformedPayload(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        _ = try deferrable.register("real") { (_: Numbered, _) in }
        try await deferrable.backend.queue.push(OutgoingJob(id: "garbage-1", payload: payload("not json")))
        #expect(try await runEventually(deferrable).isFailed)
        let rows = try await deferrable.taskStatistics()
        #expect(rows.first { $0.name == TaskStatistics.unknownName }?.counts == TaskCounts(failed: 1))
        #expect(rows.first { $0.name == "real" }?.total == 0)
    }

    @Test("history buckets hold the runs that ended in them, per name and summed", arguments: TestBackend.keepingRecords)
    func history(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let a = try deferrable.register("a") { (_: Numbered, _) in }
        let b = try deferrable.register("b", options: JobOptions(maxAttempts: 1)) { (_: Numbered, _) in throw BoomError() }
        for n in 0..<4 { try await a.later(Numbered(n: n)) }
        try await b.later(Numbered(n: 0))
        var runs = 0
        while runs < 5 {
            _ = try await runEventually(deferrable)
            runs += 1
        }
        for resolution in HistoryResolution.allCases {
            // Two buckets, in case a bucket boundary passed during the runs.
            let all = try await deferrable.history(resolution: resolution, limit: 2)
            #expect(all.count == 2)
            #expect(all[1].startMillis - all[0].startMillis == resolution.bucketMillis)
            var summed = TaskCounts()
            for bucket in all { summed.add(bucket.counts) }
            #expect(summed == TaskCounts(succeeded: 4, failed: 1), "\(resolution)")
            var onlyA = TaskCounts()
            for bucket in try await deferrable.history(name: "a", resolution: resolution, limit: 2) { onlyA.add(bucket.counts) }
            #expect(onlyA == TaskCounts(succeeded: 4), "\(resolution)")
        }
        #expect(try await deferrable.history(resolution: .minute, limit: 100_000).count == HistoryResolution.minute.bucketsKept)
        #expect(try await deferrable.history(resolution: .day, limit: -5).count == 1)
    }

    @Test("a consumer's registered names have rows before they run, names registered later too", arguments: TestBackend.keepingRecords)
    func announcedNames(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        _ = try deferrable.register("first") { (_: Numbered, _) in }
        #expect(try await deferrable.runOnce(waitingUpTo: .zero) == .empty)
        #expect(try await deferrable.taskStatistics().map(\.name) == ["first"])
        _ = try deferrable.register("second") { (_: Numbered, _) in }
        #expect(try await deferrable.runOnce(waitingUpTo: .zero) == .empty)
        let rows = try await deferrable.taskStatistics()
        #expect(rows.map(\.name) == ["first", "second"])
        #expect(rows.allSatisfy { $0.total == 0 && $0.runTime == nil && $0.lastSeenMillis == nil })
    }

    @Test("an instance with statistics off counts nothing", arguments: TestBackend.keepingRecords)
    func switchedOff(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable(defaults: JobDefaults(recordsStatistics: false))
        let job = try deferrable.register("quiet") { (_: Numbered, _) in }
        try await job.later(Numbered(n: 1))
        #expect(try await runEventually(deferrable).label == "completed")
        #expect(try await deferrable.taskStatistics(name: "quiet").total == 0)
    }

    @Test("reset removes every counter", arguments: TestBackend.keepingRecords)
    func reset(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let job = try deferrable.register("r") { (_: Numbered, _) in }
        try await job.later(Numbered(n: 1))
        _ = try await runEventually(deferrable)
        #expect(try await deferrable.taskStatistics(name: "r").total == 1)
        try await #require(deferrable.backend.statistics).reset()
        #expect(try await deferrable.taskStatistics(name: "r").total == 0)
        #expect(try await deferrable.history(resolution: .minute, limit: 1).first?.counts == TaskCounts())
    }
}
