import Deferrable
import DeferrableTestSupport
import Foundation
import Testing

/// Caller-chosen ids and unique jobs on the memory backend, with the manual clock: option checks, the uniqueness
/// period, events and middleware.
@Suite("Job identity")
struct JobIdentityTests {
    @Test("bad combinations and values are refused with typed errors, before anything is pushed")
    func refusals() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("j") { (_: Payload, _) in }
        await #expect(throws: DeferrableError.invalidJobID("", reason: "it is empty")) {
            try await handle.later(Payload(n: 1), options: PushOptions(id: ""))
        }
        await #expect(throws: DeferrableError.self) {
            try await handle.laterMany([Payload(n: 1), Payload(n: 2)], options: PushOptions(id: "one"))
        }
        await #expect(throws: DeferrableError.self) {
            try await handle.later(Payload(n: 1), options: PushOptions(id: "one", unique: .whileQueuedOrRunning))
        }
        await #expect(throws: DeferrableError.self) {
            try await handle.later(Payload(n: 1), options: PushOptions(unique: .forPeriod(.zero)))
        }
        #expect(throws: DeferrableError.self) {
            try harness.deferrable.register(
                "both", options: JobOptions(debounce: Debounce(window: .seconds(1)), unique: .whileQueuedOrRunning)
            ) { (_: Payload, _) in }
        }
        #expect(try await harness.queue.stats().available == 0)
    }

    @Test("a uniqueness period refuses copies after the first one ran, until the period has passed")
    func period() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("digest") { (_: Payload, _) in }
        let options = PushOptions(unique: .forPeriod(.seconds(60)))
        #expect(try await handle.later(Payload(n: 1), options: options).disposition == .pushedNow)
        #expect(try await harness.run().label == "completed")
        harness.clock.advance(by: .seconds(59))
        #expect(try await handle.later(Payload(n: 1), options: options).disposition == .alreadyQueued)
        #expect(try await handle.later(Payload(n: 2), options: options).disposition == .pushedNow, "another identity")
        harness.clock.advance(by: .seconds(1))
        #expect(try await handle.later(Payload(n: 1), options: options).disposition == .pushedNow)
    }

    @Test("a push that found its id taken emits no push event and leaves the queued copy as it was")
    func noEventForDuplicates() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("e") { (_: Payload, _) in }
        let first = try await handle.later(Payload(n: 1), options: PushOptions(delay: .seconds(5), id: "e-1"))
        let second = try await handle.later(Payload(n: 2), options: PushOptions(id: "e-1"))
        #expect(second.disposition == .alreadyQueued)
        #expect(harness.events.events.filter { $0.kind == .push }.map(\.job?.id) == ["e-1"])
        #expect(try await harness.queue.stats() == QueueStats(available: 0, inFlight: 0, delayed: 1, errors: 0))
        harness.clock.advance(by: .seconds(5))
        #expect(try await harness.run() == .completed(JobRef(id: first.id, name: "e", group: harness.group)))
    }

    @Test("a delayed unique job keeps its identity while it waits")
    func delayedUnique() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("d", options: JobOptions(delay: .seconds(30), unique: .whileQueuedOrRunning)) {
            (_: Payload, _) in
        }
        #expect(try await handle.later(Payload(n: 7)).disposition == .delayed)
        #expect(try await handle.later(Payload(n: 7)).disposition == .alreadyQueued)
        harness.clock.advance(by: .seconds(30))
        #expect(try await harness.run().label == "completed")
        #expect(try await handle.later(Payload(n: 7)).disposition == .delayed)
    }
}
