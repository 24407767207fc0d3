import Deferrable
import Testing

@Suite("Event order")
struct EventOrderTests {
    enum Scenario: String, CaseIterable, Sendable {
        case success, expired, retry, error, discard, reschedule, failNow, malformed
    }

    static let expected: [Scenario: [DeferrableEvent.Kind]] = [
        .success: [.pop, .complete],
        .expired: [.pop, .expire, .complete],
        .retry: [.pop, .retry, .complete],
        .error: [.pop, .error, .complete],
        .discard: [.pop, .discard, .complete],
        .reschedule: [.pop, .reschedule, .complete],
        .failNow: [.pop, .error, .complete],
        .malformed: [.pop, .error, .complete],
    ]

    @Test("events of one run, per outcome", arguments: Scenario.allCases)
    func order(scenario: Scenario) async throws {
        let harness = try Harness()
        let options =
            switch scenario {
            case .expired: JobOptions(ttl: .seconds(1))
            case .retry: JobOptions(retry: .always)
            default: JobOptions()
            }
        let handle = try harness.deferrable.register("events", options: options) { (_: Payload, _) in
            switch scenario {
            case .success, .expired, .malformed: return
            case .retry, .error: throw TransientError()
            case .discard: throw JobControl.discard("dup")
            case .reschedule: throw JobControl.reschedule(after: .seconds(1))
            case .failNow: throw JobControl.failNow("no")
            }
        }
        if scenario == .malformed {
            try await harness.queue.push(OutgoingJob(id: "garbage", payload: Array("not json".utf8)))
        } else {
            try await handle.later(Payload(n: 1))
        }
        if scenario == .expired { harness.clock.advance(by: .seconds(2)) }
        harness.events.reset()
        let outcome = try await harness.run()
        let events = harness.events.events
        #expect(events.map(\.kind) == Self.expected[scenario])
        // Every event of the run is about the popped job, and the closing `complete` carries the outcome.
        #expect(events.allSatisfy { $0.job == outcome.job })
        #expect(events.last?.outcome == outcome)
        if scenario == .error || scenario == .failNow || scenario == .malformed {
            let error = try #require(events.first { $0.kind == .error })
            #expect(error.error != nil)
            #expect(error.outcome == outcome)
        }
    }

    @Test("nothing runnable emits only empty")
    func empty() async throws {
        let harness = try Harness()
        #expect(try await harness.run() == .empty)
        #expect(harness.events.kinds == [.empty])
        #expect(harness.events.events.first?.job == nil)
    }

    @Test("later() emits push with the envelope; laterMany emits one push per job in order")
    func push() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("pushes") { (_: Payload, _) in }
        let receipt = try await handle.later(Payload(n: 1))
        #expect(harness.events.kinds == [.push])
        let event = try #require(harness.events.events.first)
        #expect(event.job == JobRef(id: receipt.id, name: "pushes", group: harness.group))
        #expect(event.envelope?.id == receipt.id)
        #expect(event.envelope?.attempts == 0)
        harness.events.reset()
        let receipts = try await handle.laterMany([Payload(n: 2), Payload(n: 3)])
        #expect(harness.events.kinds == [.push, .push])
        #expect(harness.events.events.map(\.job?.id) == receipts.map(\.id))
    }

    @Test("a retry re-push does not emit push")
    func retryNoPush() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register(
            "retry-no-push", options: JobOptions(maxAttempts: 2, retry: .always, backoff: .immediate)
        ) {
            (_: Payload, _) in throw TransientError()
        }
        try await handle.later(Payload(n: 1))
        try await harness.drain()
        #expect(harness.events.kinds == [.push, .pop, .retry, .complete, .pop, .error, .complete, .empty])
    }
}
