import Deferrable
import DeferrableTestSupport
import Foundation
import Testing

/// The `IdempotentJobQueue` contract: an id is taken while its job is ready, delayed or in flight, and while a hold
/// lasts; a job in the error queue does not take it.
@Suite("Idempotent push behaviour")
struct IdempotentPushBehaviourTests {
    static let lease = Duration.seconds(30)

    private func idempotentQueue(_ backend: TestBackend) async throws -> any IdempotentJobQueue {
        try #require(try await backend.makeBackend().queue as? any IdempotentJobQueue)
    }

    @Test("an id is taken while its job is ready, delayed or running, and free once the job completed", arguments: TestBackend.idempotent)
    func takenWhileQueued(backend: TestBackend) async throws {
        let queue = try await idempotentQueue(backend)
        #expect(try await queue.pushIfAbsent([OutgoingJob(id: "a", payload: payload("1"))], hold: nil) == [true])
        #expect(try await queue.pushIfAbsent([OutgoingJob(id: "a", payload: payload("2"))], hold: nil) == [false])
        #expect(try await queue.stats() == QueueStats(available: 1, inFlight: 0, delayed: 0, errors: 0))
        let running = try #require(try await queue.pop(lease: Self.lease, waitingUpTo: .zero))
        #expect(running.id == "a")
        #expect(running.payload == payload("1"), "the refused push left the stored job alone")
        #expect(try await queue.pushIfAbsent([OutgoingJob(id: "a", payload: payload("3"))], hold: nil) == [false])
        #expect(try await queue.settle(running, .complete()))
        #expect(try await queue.pushIfAbsent([OutgoingJob(id: "a", payload: payload("4"))], hold: nil) == [true])
        let again = try #require(try await queue.pop(lease: Self.lease, waitingUpTo: .zero))
        #expect(again.payload == payload("4"))

        #expect(try await queue.pushIfAbsent([OutgoingJob(id: "d", payload: payload("d"), delay: .seconds(60))], hold: nil) == [true])
        #expect(try await queue.pushIfAbsent([OutgoingJob(id: "d", payload: payload("d2"))], hold: nil) == [false])
        #expect(try await queue.stats() == QueueStats(available: 0, inFlight: 1, delayed: 1, errors: 0))
    }

    @Test("a batch pushes each free id once, in order, and a delayed plain push takes its id too", arguments: TestBackend.idempotent)
    func batch(backend: TestBackend) async throws {
        let queue = try await idempotentQueue(backend)
        try await queue.push(OutgoingJob(id: "plain", payload: payload("p"), delay: .seconds(60)))
        let pushed = try await queue.pushIfAbsent(
            [
                OutgoingJob(id: "c", payload: payload("c1")), OutgoingJob(id: "c", payload: payload("c2")),
                OutgoingJob(id: "plain", payload: payload("p2")), OutgoingJob(id: "e", payload: payload("e")),
            ], hold: nil)
        #expect(pushed == [true, false, false, true])
        var popped: [String] = []
        while let job = try await queue.pop(lease: Self.lease, waitingUpTo: .zero) {
            popped.append(job.id)
            #expect(job.id != "c" || job.payload == payload("c1"))
            #expect(try await queue.settle(job, .complete()))
        }
        #expect(popped == ["c", "e"])
    }

    @Test("a job in the error queue leaves its id free; one requeued from it takes it again", arguments: TestBackend.idempotent)
    func errorQueueFreesID(backend: TestBackend) async throws {
        let group = try await backend.makeBackend()
        let queue = try #require(group.queue as? any IdempotentJobQueue)
        // Dated now: an entry older than the error queue's maximum age is trimmed at once.
        let record = ErrorRecord(type: "Boom", message: "no", attempts: 1, host: "test", at: Int64(Date().timeIntervalSince1970 * 1000))
        for _ in 0..<2 {
            #expect(try await queue.pushIfAbsent([OutgoingJob(id: "f", payload: payload("f"))], hold: nil) == [true])
            let job = try #require(try await queue.pop(lease: Self.lease, waitingUpTo: .zero))
            #expect(try await queue.settle(job, .deadLetter(payload: payload("f"), error: record)))
        }
        #expect(try await group.errorQueue.requeue(id: "f", as: OutgoingJob(id: "f", payload: payload("f"))))
        #expect(try await queue.pushIfAbsent([OutgoingJob(id: "f", payload: payload("f"))], hold: nil) == [false], "requeued")
    }

    @Test("a hold keeps a pushed id taken after its job left, until it lapses", arguments: TestBackend.idempotent)
    func hold(backend: TestBackend) async throws {
        let queue = try await idempotentQueue(backend)
        #expect(try await queue.pushIfAbsent([OutgoingJob(id: "h", payload: payload("h"))], hold: .seconds(2)) == [true])
        let job = try #require(try await queue.pop(lease: Self.lease, waitingUpTo: .zero))
        #expect(try await queue.settle(job, .complete()))
        #expect(try await queue.pushIfAbsent([OutgoingJob(id: "h", payload: payload("h"))], hold: nil) == [false], "held")
        let freed = try await eventually(within: .seconds(15)) {
            try await queue.pushIfAbsent([OutgoingJob(id: "h", payload: payload("h"))], hold: nil) == [true]
        }
        #expect(freed, "the hold did not lapse")
    }

    @Test("flush ends every hold", arguments: TestBackend.idempotent)
    func flushEndsHolds(backend: TestBackend) async throws {
        let queue = try await idempotentQueue(backend)
        #expect(try await queue.pushIfAbsent([OutgoingJob(id: "x", payload: payload("x"))], hold: .seconds(3600)) == [true])
        try await queue.flush()
        #expect(try await queue.pushIfAbsent([OutgoingJob(id: "x", payload: payload("x"))], hold: nil) == [true])
    }
}
