import Deferrable
import DeferrableTestSupport
import Foundation
import Synchronization
import Testing

/// A group name of its own for every test (`t-` and 8 hex characters).
func uniqueGroup(_ prefix: String = "t") -> String {
    "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
}

/// One in-memory `Deferrable` on a `ManualClock`, with an event recorder attached.
///
/// The same clock drives the producer (push times, TTL) and the memory backend (delays, leases), so tests
/// move time with `clock.advance(by:)` instead of sleeping.
struct Harness {
    let clock: ManualClock
    let factory: MemoryBackendFactory
    let deferrable: Deferrable
    let events: EventRecorder

    init(defaults: JobDefaults = JobDefaults(), limits: ErrorQueueLimits = ErrorQueueLimits()) throws {
        clock = ManualClock()
        factory = MemoryBackendFactory(clock: clock, errorQueueLimits: limits)
        deferrable = try Deferrable(factory: factory, group: uniqueGroup(), defaults: defaults, clock: clock)
        events = EventRecorder()
        deferrable.addObserver(events)
    }

    var group: String { deferrable.group }
    var queue: any JobQueue { deferrable.backend.queue }

    /// One `runOnce` that never waits.
    @discardableResult
    func run() async throws -> RunOutcome {
        try await deferrable.runOnce(waitingUpTo: .zero)
    }

    /// Runs until nothing is runnable; returns every non-empty outcome.
    @discardableResult
    func drain(limit: Int = 100_000) async throws -> [RunOutcome] {
        var outcomes: [RunOutcome] = []
        for _ in 0..<limit {
            let outcome = try await run()
            if outcome == .empty { return outcomes }
            outcomes.append(outcome)
        }
        Issue.record("drain did not finish within \(limit) runs")
        return outcomes
    }

    /// The only error-queue entry; records an issue when there is not exactly one.
    func onlyErrorEntry(sourceLocation: SourceLocation = #_sourceLocation) async throws -> DeadJob? {
        let entries = try await deferrable.errors.list()
        #expect(entries.count == 1, "expected exactly one error-queue entry, got \(entries.count)", sourceLocation: sourceLocation)
        return entries.first
    }
}

/// Records every event it is given.
final class EventRecorder: DeferrableObserver {
    private let storage = Mutex<[DeferrableEvent]>([])

    func handle(_ event: DeferrableEvent) async throws {
        storage.withLock { $0.append(event) }
    }

    var events: [DeferrableEvent] { storage.withLock { $0 } }
    var kinds: [DeferrableEvent.Kind] { events.map(\.kind) }

    func reset() {
        storage.withLock { $0.removeAll() }
    }
}

extension Locked where Value == Int {
    /// Adds one and returns the new value.
    @discardableResult
    func increment() -> Int {
        withLock { value in
            value += 1
            return value
        }
    }
}

extension Locked where Value: RangeReplaceableCollection, Value.Element: Sendable {
    func append(_ element: Value.Element) {
        withLock { $0.append(element) }
    }
}

/// Errors thrown by test job bodies.
struct TransientError: Error, Equatable {
    var code = 503
}

struct PermanentError: Error, CustomStringConvertible {
    var description: String { "permanent failure for the test" }
}

class NetworkError: Error, @unchecked Sendable {}

final class ConnectionReset: NetworkError, @unchecked Sendable {}

/// Arguments of most test jobs.
struct Payload: Codable, Sendable, Equatable {
    var n: Int
}

extension RunOutcome {
    /// Whether the outcome is `.failed` (the job went to the error queue).
    var isFailed: Bool {
        if case .failed = self { true } else { false }
    }

    var isRetried: Bool {
        if case .retried = self { true } else { false }
    }
}

/// A producer and a consumer instance over one group of one memory factory, on one manual clock.
struct SharedGroup {
    let clock = ManualClock()
    let group = uniqueGroup()
    let producer: Deferrable
    let consumer: Deferrable

    init() throws {
        let factory = MemoryBackendFactory(clock: clock)
        producer = try Deferrable(factory: factory, group: group, clock: clock)
        consumer = try Deferrable(factory: factory, group: group, clock: clock)
    }
}
