import Deferrable
import DeferrableTestSupport
import Testing

/// The public `Deferrable` API end to end on each backend.
@Suite("Deferrable behaviour")
struct DeferrableBehaviourTests {
    @Test("later/runOnce run jobs in FIFO order", arguments: TestBackend.all)
    func fifo(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let seen = Locked<[Int]>([])
        let handle = try deferrable.register("fifo") { (args: Numbered, _) in seen.withLock { $0.append(args.n) } }
        for n in 0..<10 { try await handle.later(Numbered(n: n)) }
        let outcomes = try await drain(deferrable)
        #expect(outcomes.count == 10)
        #expect(outcomes.allSatisfy { $0.label == "completed" })
        #expect(seen.value == Array(0..<10))
    }

    @Test("laterMany pushes a batch that runs in order", arguments: TestBackend.all)
    func laterMany(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let seen = Locked<[Int]>([])
        let handle = try deferrable.register("batch") { (args: Numbered, _) in seen.withLock { $0.append(args.n) } }
        let receipts = try await handle.laterMany((0..<100).map(Numbered.init(n:)))
        #expect(Set(receipts.map(\.id)).count == 100)
        #expect(try await deferrable.stats() == QueueStats(available: 100, inFlight: 0, delayed: 0, errors: 0))
        let outcomes = try await drain(deferrable)
        #expect(outcomes.map(\.job?.id) == receipts.map(\.id))
        #expect(seen.value == Array(0..<100))
    }

    @Test("a delayed job is not runnable at once, then runs", arguments: TestBackend.all)
    func delayed(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let runs = Locked(0)
        // 4 s: the push, the empty pop and the count must all come before the due time, also on a loaded machine.
        let handle = try deferrable.register("delayed", options: JobOptions(delay: .seconds(4))) { (_: Numbered, _) in
            runs.withLock { $0 += 1 }
        }
        let receipt = try await handle.later(Numbered(n: 1))
        #expect(receipt.disposition == .delayed)
        #expect(try await deferrable.runOnce(waitingUpTo: .zero) == .empty)
        #expect(try await deferrable.stats().delayed == 1)
        #expect(try await runEventually(deferrable) == .completed(JobRef(id: receipt.id, name: "delayed", group: deferrable.group)))
        #expect(runs.value == 1)
    }

    @Test("a job abandoned by a consumer runs again, counting the lost run as an attempt", arguments: TestBackend.all)
    func abandonedJobRunsAgain(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let attempts = Locked<[Int]>([])
        let handle = try deferrable.register("abandoned", options: JobOptions(maxAttempts: 3)) { (_: Numbered, context) in
            attempts.withLock { $0.append(context.attempt) }
        }
        try await handle.later(Numbered(n: 1))
        _ = try #require(try await deferrable.backend.queue.pop(lease: .milliseconds(200), waitingUpTo: .zero))
        #expect(try await runEventually(deferrable).label == "completed")
        #expect(attempts.value == [2])
    }

    @Test("a long run keeps its lease alive and is not run twice", arguments: TestBackend.all)
    func leaseKeptAlive(backend: TestBackend) async throws {
        let lease = Duration.seconds(2)
        let recording = InterceptingBackend(inner: try await backend.makeBackend())
        let deferrable = try Deferrable(backend: recording, defaults: JobDefaults(lease: lease))
        let runs = Locked(0)
        let started = AsyncGate()
        let finish = AsyncGate()
        let handle = try deferrable.register("long") { (_: Numbered, _) in
            let run = runs.withLock { runs -> Int in
                runs += 1
                return runs
            }
            // Only the first run lasts until the test ends it; a second one (the lease was lost) ends at once.
            guard run == 1 else { return }
            started.open()
            await finish.wait()
        }
        try await handle.later(Numbered(n: 1))
        let first = Task { try await deferrable.runOnce(waitingUpTo: .zero) }
        try await within(patience, "the job to start") { await started.wait() }
        let keptFrom = ContinuousClock.now
        // A second consumer polls while the first one runs, until an extension was confirmed more than two leases
        // after the job started: all that time the job must stay held.
        var polls: [RunOutcome] = []
        while !recording.confirmedExtensions.value.contains(where: { $0 > keptFrom + lease * 2 }) {
            guard ContinuousClock.now < keptFrom + lease * 2 + patience else {
                Issue.record("no lease extension confirmed two leases after the start: \(recording.confirmedExtensions.value)")
                break
            }
            polls.append(try await within(patience, "the second consumer's poll") { try await deferrable.runOnce(waitingUpTo: lease / 5) })
        }
        #expect(!polls.isEmpty)
        #expect(polls.allSatisfy { $0 == .empty }, "the second consumer took the running job: \(polls)")
        #expect(recording.confirmedExtensions.value.count >= 3, "extended every third of the lease")
        finish.open()
        #expect(try await within(patience, "the first run to end") { try await first.value }.label == "completed")
        #expect(runs.value == 1)
    }

    @Test("retries run exactly maxAttempts times, then the job is in the error queue", arguments: TestBackend.all)
    func retries(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let attempts = Locked<[Int]>([])
        let handle = try deferrable.register(
            "retrying", options: JobOptions(maxAttempts: 3, retry: .on(BoomError.self), backoff: .fixed(.milliseconds(100)))
        ) { (_: Numbered, context) in
            attempts.withLock { $0.append(context.attempt) }
            throw BoomError()
        }
        let receipt = try await handle.later(Numbered(n: 1))
        var labels: [String] = []
        while labels.last != "failed" {
            let outcome = try await runEventually(deferrable)
            if outcome == .empty { break }
            labels.append(outcome.label)
        }
        #expect(labels == ["retried", "retried", "failed"])
        #expect(attempts.value == [1, 2, 3])
        let entry = try #require(try await deferrable.errors.entry(id: receipt.id))
        #expect(entry.error.type == "BoomError")
        #expect(entry.error.attempts == 3)
        #expect(try await deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 1))
    }

    @Test("error queue admin: requeue runs the job again with attempts reset", arguments: TestBackend.all)
    func requeueFromErrorQueue(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let attempts = Locked<[Int]>([])
        let handle = try deferrable.register("flaky") { (_: Numbered, context) in
            let count = attempts.withLock { list -> Int in
                list.append(context.attempt)
                return list.count
            }
            if count == 1 { throw BoomError() }
        }
        let receipt = try await handle.later(Numbered(n: 1))
        #expect(try await deferrable.runOnce(waitingUpTo: .zero).isFailed)
        #expect(try await deferrable.errors.list().map(\.id) == [receipt.id])
        #expect(try await deferrable.errors.requeue(id: receipt.id))
        #expect(try await deferrable.errors.count() == 0)
        #expect(
            try await deferrable.runOnce(waitingUpTo: .zero) == .completed(JobRef(id: receipt.id, name: "flaky", group: deferrable.group)))
        #expect(attempts.value == [1, 1])
    }

    @Test("error queue admin: requeueAll, remove and purge", arguments: TestBackend.all)
    func adminOperations(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let handle = try deferrable.register("always-fails") { (_: Numbered, _) in throw BoomError() }
        let receipts = try await handle.laterMany((0..<4).map(Numbered.init(n:)))
        #expect(try await drain(deferrable).allSatisfy(\.isFailed))
        #expect(try await deferrable.errors.list().map(\.id) == receipts.map(\.id))
        #expect(try await deferrable.errors.remove(id: receipts[0].id))
        #expect(try await deferrable.errors.requeueAll() == 3)
        #expect(try await deferrable.stats() == QueueStats(available: 3, inFlight: 0, delayed: 0, errors: 0))
        #expect(try await drain(deferrable).count == 3)
        #expect(try await deferrable.errors.purge() == 3)
        #expect(try await deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
    }

    @Test("error queue trimming through the public API", arguments: TestBackend.trimmingErrorsByCount)
    func trimming(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable(errorQueueLimits: ErrorQueueLimits(maxEntries: 3))
        let handle = try deferrable.register("trimmed") { (_: Numbered, _) in throw BoomError() }
        var ids: [String] = []
        for n in 0..<5 {
            ids.append(try await handle.later(Numbered(n: n)).id)
            #expect(try await deferrable.runOnce(waitingUpTo: .zero).isFailed)
        }
        #expect(try await deferrable.errors.count() == 3)
        #expect(try await deferrable.errors.list().map(\.id) == Array(ids.suffix(3)))
    }

    @Test("flush through the public API keeps the error queue", arguments: TestBackend.all)
    func flush(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let fails = try deferrable.register("fails") { (_: Numbered, _) in throw BoomError() }
        let later = try deferrable.register("later", options: JobOptions(delay: .seconds(60))) { (_: Numbered, _) in }
        let now = try deferrable.register("now") { (_: Numbered, _) in }
        try await fails.later(Numbered(n: 0))
        #expect(try await deferrable.runOnce(waitingUpTo: .zero).isFailed)
        try await later.later(Numbered(n: 1))
        try await now.laterMany([Numbered(n: 2), Numbered(n: 3)])
        _ = try #require(try await deferrable.backend.queue.pop(lease: .seconds(30), waitingUpTo: .zero))
        #expect(try await deferrable.stats() == QueueStats(available: 1, inFlight: 1, delayed: 1, errors: 1))
        try await deferrable.flush()
        #expect(try await deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 1))
        #expect(try await deferrable.runOnce(waitingUpTo: .zero) == .empty)
    }

    @Test("an idle runOnce wakes promptly when a job is pushed", arguments: TestBackend.countingWaits)
    func idleRunOnceWakes(backend: TestBackend) async throws {
        let counted = try await backend.makeWaitCountingFactory()
        defer { Task { await counted.close() } }
        let deferrable = try Deferrable(factory: counted.factory, group: TestBackend.uniqueGroup())
        let handle = try deferrable.register("wake") { (_: Numbered, _) in }
        let waiter = Task { try await deferrable.runOnce(waitingUpTo: .seconds(20)) }
        try await counted.waitUntilWaiting(1, group: deferrable.group)
        let pushed = ContinuousClock.now
        let receipt = try await handle.later(Numbered(n: 1))
        let outcome = try await within(patience, "the waiting runOnce to return") { try await waiter.value }
        let waited = pushed.duration(to: .now)
        #expect(outcome == .completed(JobRef(id: receipt.id, name: "wake", group: deferrable.group)))
        #expect(waited < .seconds(5), "runOnce should return when the job arrives, not after its 20 s wait (\(waited))")
    }
}
