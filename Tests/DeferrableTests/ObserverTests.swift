import Deferrable
import DeferrableTestSupport
import Testing

struct ObserverFailure: Error {}

@Suite("Observers")
struct ObserverTests {
    @Test("several observers are called in registration order for every event")
    func registrationOrder() async throws {
        let harness = try Harness()
        let log = Locked<[String]>([])
        for name in ["first", "second", "third"] {
            harness.deferrable.onEvent { event in log.append("\(name):\(event.kind.rawValue)") }
        }
        let handle = try harness.deferrable.register("observed") { (_: Payload, _) in }
        try await handle.later(Payload(n: 1))
        try await harness.run()
        #expect(
            log.value == [
                "first:push", "second:push", "third:push",
                "first:pop", "second:pop", "third:pop",
                "first:complete", "second:complete", "third:complete",
            ])
    }

    @Test("only the events that close a run carry its duration, measured from the pop")
    func runDuration() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("timed") { (_: Payload, _) in try await Task.sleep(for: .milliseconds(20)) }
        try await handle.later(Payload(n: 1))
        try await harness.run()
        let durations = harness.events.events.map { ($0.kind, $0.runDuration) }
        #expect(durations.map(\.0) == [.push, .pop, .complete])
        #expect(durations[0].1 == nil && durations[1].1 == nil)
        let measured = try #require(durations[2].1)
        #expect(measured >= .milliseconds(20))
    }

    @Test("an observer that throws does not break processing and is counted")
    func throwingObserver() async throws {
        let harness = try Harness()
        let after = Locked<[DeferrableEvent.Kind]>([])
        harness.deferrable.onEvent { _ in throw ObserverFailure() }
        harness.deferrable.onEvent { event in after.append(event.kind) }
        let runs = Locked(0)
        let handle = try harness.deferrable.register("observed-throw") { (_: Payload, _) in runs.increment() }
        #expect(harness.deferrable.observerFailures == 0)
        let receipt = try await handle.later(Payload(n: 1))
        #expect(try await harness.run() == .completed(JobRef(id: receipt.id, name: "observed-throw", group: harness.group)))
        #expect(try await harness.run() == .empty)
        #expect(runs.value == 1)
        // push, pop, complete, empty: four events, each made the first observer throw.
        #expect(harness.deferrable.observerFailures == 4)
        #expect(after.value == [.push, .pop, .complete, .empty])
        #expect(try await harness.deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
    }

    @Test("a throwing observer on the failure path does not stop the job reaching the error queue")
    func throwingObserverOnError() async throws {
        let harness = try Harness()
        harness.deferrable.onEvent { event in if event.kind == .error { throw ObserverFailure() } }
        let handle = try harness.deferrable.register("observed-error") { (_: Payload, _) in throw PermanentError() }
        try await handle.later(Payload(n: 1))
        #expect(try await harness.run().isFailed)
        #expect(harness.deferrable.observerFailures == 1)
        #expect(try await harness.deferrable.errors.count() == 1)
    }

    @Test("removeAllObservers stops delivery")
    func removeAll() async throws {
        let harness = try Harness()
        let count = Locked(0)
        harness.deferrable.onEvent { _ in count.increment() }
        #expect(try await harness.run() == .empty)
        #expect(count.value == 1)
        harness.deferrable.removeAllObservers()
        #expect(try await harness.run() == .empty)
        #expect(count.value == 1)
        #expect(harness.events.kinds == [.empty], "the harness recorder was removed too")
    }
}
