import Deferrable
import DeferrableTestSupport
import Foundation
import Testing

/// The `JobQueue` contract, driven directly through the protocol.
@Suite("JobQueue behaviour")
struct JobQueueBehaviourTests {
    static let lease = Duration.seconds(30)

    @Test("push/pop is FIFO", arguments: TestBackend.all)
    func fifo(backend: TestBackend) async throws {
        let queue = try await backend.makeBackend().queue
        let ids = (0..<20).map { "job-\($0)" }
        for id in ids { try await queue.push(OutgoingJob(id: id, payload: payload("p-\(id)"))) }
        var popped: [String] = []
        while let job = try await queue.pop(lease: Self.lease, waitingUpTo: .zero) {
            #expect(job.payload == payload("p-\(job.id)"))
            #expect(job.reclaims == 0)
            popped.append(job.id)
            #expect(try await queue.settle(job, .complete()))
        }
        #expect(popped == ids)
    }

    @Test("pushBatch keeps the batch order and interleaves FIFO with single pushes", arguments: TestBackend.all)
    func batch(backend: TestBackend) async throws {
        let queue = try await backend.makeBackend().queue
        try await queue.push(OutgoingJob(id: "first", payload: payload("1")))
        try await queue.pushBatch((0..<50).map { OutgoingJob(id: "b-\($0)", payload: payload("\($0)")) })
        try await queue.push(OutgoingJob(id: "last", payload: payload("2")))
        #expect(try await queue.stats() == QueueStats(available: 52, inFlight: 0, delayed: 0, errors: 0))
        var popped: [String] = []
        while let job = try await queue.pop(lease: Self.lease, waitingUpTo: .zero) {
            popped.append(job.id)
            #expect(try await queue.settle(job, .complete()))
        }
        #expect(popped == ["first"] + (0..<50).map { "b-\($0)" } + ["last"])
    }

    @Test("a delayed job is invisible until due, then runnable", arguments: TestBackend.all)
    func delayed(backend: TestBackend) async throws {
        let queue = try await backend.makeBackend().queue
        // Long enough that the checks before it is due finish in time while every suite runs beside this one.
        try await queue.push(OutgoingJob(id: "later", payload: payload("l"), delay: .seconds(3)))
        try await queue.push(OutgoingJob(id: "now", payload: payload("n")))
        #expect(try await queue.stats() == QueueStats(available: 1, inFlight: 0, delayed: 1, errors: 0))
        let now = try #require(try await queue.pop(lease: Self.lease, waitingUpTo: .zero))
        #expect(now.id == "now")
        #expect(try await queue.pop(lease: Self.lease, waitingUpTo: .zero) == nil, "the delayed job is not due yet")
        let later = try #require(try await popEventually(queue, lease: Self.lease))
        #expect(later.id == "later")
        #expect(try await queue.stats() == QueueStats(available: 0, inFlight: 2, delayed: 0, errors: 0))
    }

    @Test("delayed jobs become runnable in due order", arguments: TestBackend.all)
    func dueOrder(backend: TestBackend) async throws {
        let queue = try await backend.makeBackend().queue
        // One batch, so the three due times are measured from one clock reading: separate pushes on a loaded
        // machine can be more than the 500 ms gaps apart, which would legitimately change the due order.
        try await queue.pushBatch([
            OutgoingJob(id: "c", payload: payload("c"), delay: .milliseconds(1500)),
            OutgoingJob(id: "a", payload: payload("a"), delay: .milliseconds(500)),
            OutgoingJob(id: "b", payload: payload("b"), delay: .milliseconds(1000)),
        ])
        var popped: [String] = []
        while popped.count < 3, let job = try await popEventually(queue, lease: Self.lease) {
            popped.append(job.id)
        }
        #expect(popped == ["a", "b", "c"])
    }

    @Test("a lapsed lease makes the job runnable again with reclaims increased", arguments: TestBackend.all)
    func leaseLapse(backend: TestBackend) async throws {
        let queue = try await backend.makeBackend().queue
        try await queue.push(OutgoingJob(id: "lapse", payload: payload("x")))
        let first = try #require(try await queue.pop(lease: .milliseconds(200), waitingUpTo: .zero))
        #expect(first.reclaims == 0)
        let second = try #require(try await popEventually(queue, lease: .milliseconds(200)))
        #expect(second.id == "lapse")
        #expect(second.reclaims == 1)
        #expect(second.payload == first.payload)
        #expect(second.leaseToken != first.leaseToken)
        let third = try #require(try await popEventually(queue, lease: Self.lease))
        #expect(third.reclaims == 2)
        #expect(try await queue.settle(third, .complete()))
    }

    @Test("extendLease keeps the job held", arguments: TestBackend.all)
    func extend(backend: TestBackend) async throws {
        let lease = Duration.seconds(1)
        // Real time: if this task is not scheduled for longer than a lease (an overloaded machine), the lease
        // lapses whatever the backend does, so such a trial proves nothing and is run again.
        for _ in 0..<3 {
            let queue = try await backend.makeBackend().queue
            try await queue.push(OutgoingJob(id: "held", payload: payload("x")))
            let job = try #require(try await queue.pop(lease: lease, waitingUpTo: .zero))
            // Hold it for about three leases, extending every 100 ms; the pops in between double as the waits.
            let until = ContinuousClock.now + lease * 3
            var stalled = false
            var extended: [Bool] = []
            var stolen: [LeasedJob] = []
            while ContinuousClock.now < until {
                let extendedAt = ContinuousClock.now
                extended.append(try await queue.extendLease(job, by: lease))
                if let other = try await queue.pop(lease: lease, waitingUpTo: .milliseconds(100)) { stolen.append(other) }
                // Checked after the pop: a pop that returns late may find the lease lapsed however it was extended.
                if ContinuousClock.now - extendedAt > lease * 0.8 { stalled = true }
            }
            if stalled { continue }
            #expect(extended.count >= 5)
            #expect(extended.allSatisfy { $0 }, "every extension of a held lease succeeds")
            #expect(stolen.isEmpty, "an extended job must stay held")
            #expect(try await queue.stats() == QueueStats(available: 0, inFlight: 1, delayed: 0, errors: 0))
            #expect(try await queue.settle(job, .complete()))
            #expect(try await queue.extendLease(job, by: lease) == false)
            return
        }
        Issue.record("the test task was stalled longer than a lease in every trial; cannot judge extendLease")
    }

    @Test("settle with a stale lease returns false and changes nothing", arguments: TestBackend.all)
    func staleSettle(backend: TestBackend) async throws {
        let queue = try await backend.makeBackend().queue
        try await queue.push(OutgoingJob(id: "stale", payload: payload("x")))
        let stale = try #require(try await queue.pop(lease: .milliseconds(200), waitingUpTo: .zero))
        let fresh = try #require(try await popEventually(queue, lease: Self.lease))
        #expect(fresh.id == stale.id)
        // SQS takes the receipt handle of an earlier receive as a current one (docs/sqs.md): there, the fencing value
        // in the job context is what tells a stale run apart.
        if !backend.isSQS {
            #expect(try await queue.settle(stale, .complete()) == false)
            #expect(try await queue.settle(stale, .requeue(payload: payload("y"), delay: .zero)) == false)
            #expect(
                try await queue.settle(stale, .deadLetter(payload: payload("z"), error: Self.record("Stale"))) == false)
            #expect(try await queue.extendLease(stale, by: Self.lease) == false)
        }
        #expect(try await queue.stats() == QueueStats(available: 0, inFlight: 1, delayed: 0, errors: 0))
        #expect(try await queue.settle(fresh, .complete()))
        // Replies of a remote backend can be lost, so Redis and PostgreSQL recognise a repeat with the same token as done;
        // in memory nothing repeats.
        let recognisesRepeats = if case .memory = backend { false } else { true }
        #expect(try await queue.settle(fresh, .complete()) == recognisesRepeats, "a lease settles once; a repeat changes nothing")
        #expect(try await queue.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
    }

    @Test("complete removes exactly the settled job", arguments: TestBackend.all)
    func complete(backend: TestBackend) async throws {
        let queue = try await backend.makeBackend().queue
        try await queue.pushBatch(["a", "b", "c"].map { OutgoingJob(id: $0, payload: payload($0)) })
        let a = try #require(try await queue.pop(lease: Self.lease, waitingUpTo: .zero))
        #expect(try await queue.settle(a, .complete()))
        #expect(try await queue.stats() == QueueStats(available: 2, inFlight: 0, delayed: 0, errors: 0))
        var rest: [String] = []
        while let job = try await queue.pop(lease: Self.lease, waitingUpTo: .zero) { rest.append(job.id) }
        #expect(rest == ["b", "c"])
    }

    @Test("requeue with a new payload replaces it and resets reclaims; nil keeps both", arguments: TestBackend.all)
    func requeue(backend: TestBackend) async throws {
        let queue = try await backend.makeBackend().queue
        try await queue.push(OutgoingJob(id: "rq", payload: payload("v1")))
        try await queue.push(OutgoingJob(id: "other", payload: payload("o")))
        _ = try #require(try await queue.pop(lease: .milliseconds(200), waitingUpTo: .zero))
        // Let the lease lapse once so the job carries a reclaim.
        var reclaimed: LeasedJob?
        while reclaimed == nil, let job = try await popEventually(queue, lease: Self.lease) {
            if job.id == "rq" { reclaimed = job } else { #expect(try await queue.settle(job, .complete())) }
        }
        let held = try #require(reclaimed)
        #expect(held.reclaims == 1)

        #expect(try await queue.settle(held, .requeue(payload: nil, delay: .zero)))
        let kept = try #require(try await queue.pop(lease: Self.lease, waitingUpTo: .zero))
        #expect(kept.id == "rq")
        #expect(kept.payload == payload("v1"))
        #expect(kept.reclaims == 1, "a nil payload keeps the reclaim count")

        #expect(try await queue.settle(kept, .requeue(payload: payload("v2"), delay: .zero)))
        let replaced = try #require(try await queue.pop(lease: Self.lease, waitingUpTo: .zero))
        #expect(replaced.payload == payload("v2"))
        #expect(replaced.reclaims == 0, "a new payload resets the reclaim count")

        // Long enough that the checks before it is due finish in time while every suite runs beside this one (each is
        // a round trip to SQS's emulator there).
        #expect(try await queue.settle(replaced, .requeue(payload: payload("v3"), delay: .seconds(3))))
        #expect(try await queue.stats() == QueueStats(available: 0, inFlight: 0, delayed: 1, errors: 0))
        #expect(try await queue.pop(lease: Self.lease, waitingUpTo: .zero) == nil)
        let delayed = try #require(try await popEventually(queue, lease: Self.lease))
        #expect(delayed.payload == payload("v3"))
    }

    @Test("deadLetter moves the job with its payload and record to the error queue", arguments: TestBackend.all)
    func deadLetter(backend: TestBackend) async throws {
        let group = try await backend.makeBackend()
        try await group.queue.push(OutgoingJob(id: "dl", payload: payload("original")))
        let job = try #require(try await group.queue.pop(lease: Self.lease, waitingUpTo: .zero))
        let record = Self.record("Boom")
        #expect(try await group.queue.settle(job, .deadLetter(payload: payload("final"), error: record)))
        #expect(try await group.queue.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 1))
        #expect(try await group.queue.pop(lease: Self.lease, waitingUpTo: .zero) == nil)
        let entry = try #require(try await group.errorQueue.entry(id: "dl"))
        #expect(entry.payload == payload("final"))
        #expect(entry.error == record)
    }

    @Test("stats are exact", arguments: TestBackend.all)
    func stats(backend: TestBackend) async throws {
        let group = try await backend.makeBackend()
        let queue = group.queue
        #expect(try await queue.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
        try await queue.pushBatch((0..<5).map { OutgoingJob(id: "r\($0)", payload: payload("r")) })
        try await queue.pushBatch((0..<3).map { OutgoingJob(id: "d\($0)", payload: payload("d"), delay: .seconds(60)) })
        #expect(try await queue.stats() == QueueStats(available: 5, inFlight: 0, delayed: 3, errors: 0))
        let a = try #require(try await queue.pop(lease: Self.lease, waitingUpTo: .zero))
        let b = try #require(try await queue.pop(lease: Self.lease, waitingUpTo: .zero))
        #expect(try await queue.stats() == QueueStats(available: 3, inFlight: 2, delayed: 3, errors: 0))
        #expect(try await queue.settle(a, .deadLetter(payload: a.payload, error: Self.record("X"))))
        #expect(try await queue.stats() == QueueStats(available: 3, inFlight: 1, delayed: 3, errors: 1))
        #expect(try await queue.settle(b, .requeue(payload: nil, delay: .seconds(60))))
        #expect(try await queue.stats() == QueueStats(available: 3, inFlight: 0, delayed: 4, errors: 1))
    }

    @Test("flush clears ready, delayed and in-flight jobs but not the error queue", arguments: TestBackend.all)
    func flush(backend: TestBackend) async throws {
        let group = try await backend.makeBackend()
        let queue = group.queue
        try await queue.pushBatch((0..<4).map { OutgoingJob(id: "r\($0)", payload: payload("r")) })
        try await queue.push(OutgoingJob(id: "d", payload: payload("d"), delay: .seconds(60)))
        let dead = try #require(try await queue.pop(lease: Self.lease, waitingUpTo: .zero))
        #expect(try await queue.settle(dead, .deadLetter(payload: dead.payload, error: Self.record("X"))))
        let inFlight = try #require(try await queue.pop(lease: Self.lease, waitingUpTo: .zero))
        #expect(try await queue.stats() == QueueStats(available: 2, inFlight: 1, delayed: 1, errors: 1))
        try await queue.flush()
        #expect(try await queue.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 1))
        #expect(try await queue.pop(lease: Self.lease, waitingUpTo: .zero) == nil)
        #expect(try await queue.settle(inFlight, .complete()) == false, "a flushed in-flight job cannot be settled")
        #expect(try await queue.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 1))
        #expect(try await group.errorQueue.entry(id: dead.id) != nil)
        // The queue still works after a flush.
        try await queue.push(OutgoingJob(id: "after", payload: payload("a")))
        #expect(try await queue.pop(lease: Self.lease, waitingUpTo: .zero)?.id == "after")
    }

    @Test("an idle pop wakes promptly when a job is pushed from another task", arguments: TestBackend.countingWaits)
    func idleWake(backend: TestBackend) async throws {
        let counted = try await backend.makeWaitCountingFactory()
        defer { Task { await counted.close() } }
        let group = TestBackend.uniqueGroup()
        let queue = try counted.factory.makeBackend(group: group).queue
        let waiter = Task { try await queue.pop(lease: Self.lease, waitingUpTo: .seconds(20)) }
        try await counted.waitUntilWaiting(1, group: group)
        let pushed = ContinuousClock.now
        try await queue.push(OutgoingJob(id: "wake", payload: payload("w")))
        let job = try await within(patience, "the waiting pop to return") { try await waiter.value }
        let waited = pushed.duration(to: .now)
        #expect(job?.id == "wake")
        #expect(waited < .seconds(5), "the pop should return when the job arrives, not at its 20 s timeout (\(waited))")
    }

    @Test("an idle pop with nothing pushed returns nil after its wait", arguments: TestBackend.all)
    func idleTimeout(backend: TestBackend) async throws {
        let queue = try await backend.makeBackend().queue
        let start = ContinuousClock.now
        #expect(try await queue.pop(lease: Self.lease, waitingUpTo: .milliseconds(200)) == nil)
        #expect(ContinuousClock.now - start >= .milliseconds(150), "the pop must wait, not return at once")
    }

    static func record(_ type: String) -> ErrorRecord {
        ErrorRecord(type: type, message: "\(type) happened", attempts: 1, host: "test-host", at: SystemClock().nowMillis())
    }
}
