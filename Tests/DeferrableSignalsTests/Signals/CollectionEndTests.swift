import DeferrableSignals
import DeferrableTestSupport
import Testing

/// A collection that has ended starts no more listeners, and a pooled collection holds no more child tasks than
/// its pool may run.
@Suite("Signals: the end of a collection")
struct CollectionEndTests {
    /// A signal whose listeners record that they started and answer with their name, in the order given.
    private func recordingSignal(_ names: [String], started: Locked<[String]>) -> Signal<Int, String> {
        let signal = makeSignal(of: (Int.self, String.self))
        for (index, name) in names.enumerated() {
            signal.connect(name, priority: -index) { _ in
                started.withLock { $0.append(name) }
                return name
            }
        }
        return signal
    }

    @Test("inline with a deadline: the listener after the completeness never starts")
    func inlineWithDeadline() async throws {
        let started = Locked<[String]>([])
        let signal = recordingSignal(["a", "b", "c", "d"], started: started)
        let collection = try await within(.seconds(20), "the collection") {
            try await signal.collect(0, options: CollectOptions(completeness: .first(1), deadline: .seconds(60)))
        }
        #expect(collection.ownResponses == ["a"])
        #expect(collection.end == .complete)
        #expect(started.value == ["a"])
    }

    @Test("on a pool of one: the listeners waiting for the slot never start once the first success arrived")
    func pooledWaiters() async throws {
        let pool = try makePool(.init(concurrency: 1))
        for _ in 0..<20 {
            let started = Locked<[String]>([])
            let signal = recordingSignal(["a", "b", "c", "d"], started: started)
            let collection = try await within(.seconds(20), "the collection") {
                try await signal.collect(0, options: CollectOptions(execution: .pool(pool), completeness: .firstSuccess))
            }
            #expect(collection.ownResponses == ["a"])
            #expect(started.value == ["a"])
            try await waitUntil(pool, running: 0, queued: 0)
        }
    }

    @Test("a stop at the first failure starts no listener after it, inline with a deadline and on a pool")
    func stopAtFirstFailure() async throws {
        for execution in [CollectExecution.inline, .pool(try makePool(.init(concurrency: 1)))] {
            let started = Locked<[String]>([])
            let signal = makeSignal(of: (Int.self, String.self))
            signal.connect("broken", priority: 1) { _ in
                started.withLock { $0.append("broken") }
                throw ListenerBroke(listener: "broken")
            }
            signal.connect("next") { _ in
                started.withLock { $0.append("next") }
                return "next"
            }
            let options = CollectOptions(execution: execution, deadline: .seconds(60), errors: .stopAtFirstFailure)
            let error = try await #require(throws: SignalCollectionFailed<String>.self) {
                try await within(.seconds(20), "the collection") { try await signal.collect(0, options: options) }
            }
            #expect(error.collection.end == .stoppedByFailure)
            #expect(started.value == ["broken"])
        }
    }

    @Test("a pool whose overload policy runs items in the caller still bounds the listeners running at once")
    func runInCallerBound() async throws {
        let pool = try makePool(.init(concurrency: 2, queueCapacity: 0, overload: .runInCaller))
        // Both slots held elsewhere: every listener's admission answers "run in the caller".
        let release = AsyncGate()
        let holders = (0..<2).map { _ in Task { try await pool.run { await release.wait() } } }
        try await waitUntil(pool, running: 2, queued: 0)
        let meter = RunningMeter()
        let signal = makeSignal(of: (Int.self, Int.self))
        for index in 0..<10 {
            signal.connect("l\(index)") { value in
                meter.start(index)
                defer { meter.end() }
                for _ in 0..<20 { await Task.yield() }
                return value + index
            }
        }
        let collection = try await within(.seconds(20), "the collection") {
            try await signal.collect(0, options: CollectOptions(execution: .pool(pool)))
        }
        #expect(collection.ownResponses.sorted() == Array(0..<10))
        #expect(meter.most <= 2)
        release.open()
        for holder in holders { _ = try await holder.value }
    }
}
