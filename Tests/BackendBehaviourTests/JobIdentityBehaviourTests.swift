import Deferrable
import DeferrableTestSupport
import Testing

/// Caller-chosen job ids and unique jobs through `later()`, on every backend that can push a job only if its id is
/// free; SQS refuses both with a typed error.
@Suite("Job identity behaviour")
struct JobIdentityBehaviourTests {
    @Test(
        "a push with a chosen id while that job is queued or running pushes nothing; once it ran, it pushes again",
        arguments: TestBackend.idempotent)
    func chosenID(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let runs = Locked<[Int]>([])
        let handle = try deferrable.register("charge") { (args: Numbered, _) in runs.withLock { $0.append(args.n) } }
        let first = try await handle.later(Numbered(n: 1), options: PushOptions(id: "order-42"))
        #expect(first.id == "order-42")
        #expect(first.disposition == .pushedNow)
        let second = try await handle.later(Numbered(n: 2), options: PushOptions(id: "order-42"))
        #expect(second.id == "order-42")
        #expect(second.disposition == .alreadyQueued)
        #expect(try await deferrable.stats().available == 1)
        #expect(try await drain(deferrable).map(\.label) == ["completed"])
        #expect(runs.value == [1], "the second push did not replace the queued job")
        let third = try await handle.later(Numbered(n: 3), options: PushOptions(id: "order-42"))
        #expect(third.disposition == .pushedNow)
        #expect(try await drain(deferrable).map(\.label) == ["completed"])
        #expect(runs.value == [1, 3])
    }

    @Test("a unique job keeps one copy per argument value until it leaves the queue", arguments: TestBackend.idempotent)
    func unique(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let runs = Locked<[Int]>([])
        let handle = try deferrable.register("reindex", options: JobOptions(unique: .whileQueuedOrRunning)) {
            (args: Numbered, _) in runs.withLock { $0.append(args.n) }
        }
        let receipts = try await handle.laterMany([Numbered(n: 1), Numbered(n: 1), Numbered(n: 2)])
        #expect(receipts.map(\.disposition) == [.pushedNow, .alreadyQueued, .pushedNow])
        #expect(receipts[0].id == receipts[1].id)
        #expect(receipts[0].id != receipts[2].id)
        #expect(try await handle.later(Numbered(n: 2)).disposition == .alreadyQueued)
        #expect(try await drain(deferrable).count == 2)
        #expect(runs.value == [1, 2])
        let again = try await handle.later(Numbered(n: 1))
        #expect(again.disposition == .pushedNow)
        #expect(again.id == receipts[0].id, "the id is derived from the job identity")
    }

    @Test("a unique job's retries keep its identity taken", arguments: TestBackend.idempotent)
    func uniqueAcrossRetries(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let handle = try deferrable.register(
            "flaky", options: JobOptions(maxAttempts: 2, retry: .always, backoff: .fixed(.seconds(60)), unique: .whileQueuedOrRunning)
        ) { (_: Numbered, _) in throw BoomError() }
        try await handle.later(Numbered(n: 1))
        #expect(try await deferrable.runOnce(waitingUpTo: .zero).label == "retried")
        #expect(try await handle.later(Numbered(n: 1)).disposition == .alreadyQueued, "the retry is the same copy")
    }

    @Test("SQS refuses chosen ids and unique jobs with a typed error", arguments: TestBackend.all.filter(\.isSQS))
    func refusedOnSQS(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let handle = try deferrable.register("refused") { (_: Numbered, _) in }
        await #expect(throws: DeferrableError.jobIDsNotSupported(group: deferrable.group)) {
            try await handle.later(Numbered(n: 1), options: PushOptions(id: "x"))
        }
        await #expect(throws: DeferrableError.jobIDsNotSupported(group: deferrable.group)) {
            try await handle.later(Numbered(n: 1), options: PushOptions(unique: .whileQueuedOrRunning))
        }
        #expect(try await deferrable.stats().available == 0)
    }
}
