import Deferrable
import DeferrableSignals
import DeferrableTestSupport
import MetricsTestKit
import Testing

/// Collectors: completeness options, deadlines with partial results, inline and pooled execution.
@Suite("Signals: collectors")
struct SignalCollectTests {
    /// A signal whose listeners answer with their own name, in the order given (priority falls by one each).
    private func namedSignal(_ names: [String], clock: SteppedClock = SteppedClock()) -> Signal<Int, String> {
        let signal = makeSignal(of: (Int.self, String.self), clock: clock)
        for (index, name) in names.enumerated() {
            signal.connect(name, priority: -index) { _ in name }
        }
        return signal
    }

    @Test("all: every listener's response, tagged with its listener, in dispatch order inline")
    func collectsAll() async throws {
        let collection = try await namedSignal(["a", "b", "c"]).collect(1)
        #expect(collection.responses.map(\.response) == ["a", "b", "c"])
        #expect(collection.responses.map(\.listener.name) == ["a", "b", "c"])
        #expect(collection.end == .complete)
        #expect(!collection.isPartial)
        #expect(!collection.ranOnPool)
        #expect(collection.unanswered.isEmpty)
    }

    @Test("first(2): the listeners after the second response never run")
    func firstN() async throws {
        let signal = makeSignal(of: (Int.self, String.self))
        let ran = Locked<[String]>([])
        for (index, name) in ["a", "b", "c", "d"].enumerated() {
            signal.connect(name, priority: -index) { _ in
                ran.withLock { $0.append(name) }
                return name
            }
        }
        let collection = try await signal.collect(1, options: CollectOptions(completeness: .first(2)))
        #expect(collection.ownResponses == ["a", "b"])
        #expect(ran.value == ["a", "b"])
        #expect(collection.unanswered.map(\.name) == ["c", "d"])
        #expect(collection.end == .complete)
    }

    @Test("firstSuccess: failures (and their defaults) do not end it; the first own response does")
    func firstSuccess() async throws {
        let signal = makeSignal(of: (Int.self, String.self))
        signal.connect("down", priority: 2, defaultResponse: "default") { _ in throw ListenerBroke(listener: "down") }
        signal.connect("up", priority: 1) { _ in "up" }
        signal.connect("spare") { _ in "spare" }
        let collection = try await signal.collect(1, options: CollectOptions(completeness: .firstSuccess))
        #expect(collection.responses.map(\.response) == ["default", "up"])
        #expect(collection.responses.map(\.isDefault) == [true, false])
        #expect(collection.ownResponses == ["up"])
        #expect(collection.failures.map(\.listener.name) == ["down"])
        #expect(collection.unanswered.map(\.name) == ["spare"])
        #expect(collection.end == .complete)
    }

    @Test("when every listener failed before the completeness is reached, the collection is partial")
    func exhausted() async throws {
        let signal = makeSignal(of: (Int.self, String.self))
        signal.connect("one") { _ in throw ListenerBroke(listener: "one") }
        signal.connect("two", defaultResponse: "two?") { _ in throw ListenerBroke(listener: "two") }
        let collection = try await signal.collect(1, options: CollectOptions(completeness: .firstSuccess))
        #expect(collection.end == .listenersExhausted)
        #expect(collection.isPartial)
        #expect(collection.responses.map(\.response) == ["two?"])
        #expect(try await makeSignal(of: (Int.self, Int.self)).collect(1).end == .complete)
        #expect(
            try await makeSignal(of: (Int.self, Int.self)).collect(1, options: CollectOptions(completeness: .first(1))).end
                == .listenersExhausted)
    }

    @Test("a deadline returns what arrived, marked partial, even while a listener ignores its cancellation")
    func inlineDeadline() async throws {
        let clock = SteppedClock()
        let metrics = TestMetrics()
        let signal = Signal<Int, String>("deadline", clock: clock, metrics: metrics)
        let started = AsyncGate()
        let release = AsyncGate()
        signal.connect("fast", priority: 2) { _ in "fast" }
        signal.connect("stuck", priority: 1) { _ in
            started.open()
            await release.wait()
            return "stuck"
        }
        signal.connect("never") { _ in "never" }
        let collecting = Task { try await signal.collect(1, options: CollectOptions(deadline: .seconds(2))) }
        await started.wait()
        try await eventually("the deadline's timer to sleep") { clock.sleepers == 1 }
        clock.advance(by: .seconds(2))
        let collection = try await within(.seconds(10), "the collection at its deadline") { try await collecting.value }
        release.open()
        #expect(collection.end == .deadlinePassed)
        #expect(collection.isPartial)
        #expect(collection.ownResponses == ["fast"])
        #expect(collection.unanswered.map(\.name) == ["stuck", "never"])
        let counter = try metrics.expectCounter(
            "deferrable_signal_collections_total", [("signal", "deadline"), ("end", "deadline_passed")])
        #expect(counter.totalValue == 1)
    }

    @Test("on a pool, never more listeners run at once than the pool allows, and every response arrives")
    func pooledBound() async throws {
        let pool = try ShortTermPool(name: "collect", configuration: .init(concurrency: 3))
        let signal = makeSignal(of: (Int.self, Int.self))
        let meter = Locked((running: 0, most: 0))
        for index in 0..<12 {
            signal.connect("l\(index)") { value in
                meter.withLock {
                    $0.running += 1
                    $0.most = max($0.most, $0.running)
                }
                try await Task.sleep(for: .milliseconds(5))
                meter.withLock { $0.running -= 1 }
                return value + index
            }
        }
        let collection = try await signal.collect(100, options: CollectOptions(execution: .pool(pool)))
        #expect(collection.ranOnPool)
        #expect(collection.end == .complete)
        #expect(collection.responses.map(\.response).sorted() == Array(100..<112))
        #expect(meter.value.most <= 3)
    }

    @Test("on a pool, reaching the completeness cancels the listeners running and never starts those waiting")
    func pooledFirstSuccessCancels() async throws {
        // Two slow listeners and the quick one fill the three slots; the late ones wait for a slot.
        let pool = try ShortTermPool(name: "collect", configuration: .init(concurrency: 3))
        let signal = makeSignal(of: (Int.self, String.self))
        let probes = [CancellationProbe(), CancellationProbe()]
        let running = [AsyncGate(), AsyncGate()]
        let started = Locked<[String]>([])
        for (index, probe) in probes.enumerated() {
            signal.connect("slow\(index)", priority: 2) { _ in
                started.withLock { $0.append("slow\(index)") }
                running[index].open()
                try await probe.waitForCancellation(upTo: .seconds(60))
                return "slow"
            }
        }
        signal.connect("quick", priority: 1) { _ in
            for gate in running { await gate.wait() }
            return "quick"
        }
        for index in 0..<2 {
            signal.connect("late\(index)") { _ in
                started.withLock { $0.append("late\(index)") }
                return "late"
            }
        }
        let collection = try await within(.seconds(20), "the first success") {
            try await signal.collect(1, options: CollectOptions(execution: .pool(pool), completeness: .firstSuccess))
        }
        #expect(collection.ownResponses == ["quick"])
        #expect(Set(collection.unanswered.map(\.name)) == ["slow0", "slow1", "late0", "late1"])
        try await eventually("both slow listeners to be cancelled") { probes.allSatisfy { $0.cancelledAfter != nil } }
        try await waitUntil(pool, running: 0, queued: 0)
        #expect(Set(started.value) == ["slow0", "slow1"])
    }

    @Test("poolAbove uses the pool only when more listeners than the threshold are connected")
    func poolAboveThreshold() async throws {
        let pool = try ShortTermPool(name: "collect", configuration: .init(concurrency: 2))
        let signal = namedSignal(["a", "b", "c"])
        let small = try await signal.collect(0, options: CollectOptions(execution: .poolAbove(threshold: 3, pool)))
        #expect(!small.ranOnPool)
        let large = try await signal.collect(0, options: CollectOptions(execution: .poolAbove(threshold: 2, pool)))
        #expect(large.ranOnPool)
        #expect(Set(large.ownResponses) == ["a", "b", "c"])
    }

    @Test("a pooled listener the pool refuses counts as a failure, with its default")
    func poolRefusal() async throws {
        let pool = try ShortTermPool(name: "tiny", configuration: .init(concurrency: 1, queueCapacity: 1, overload: .reject))
        let signal = makeSignal(of: (Int.self, String.self))
        let release = AsyncGate()
        let holding = AsyncGate()
        let holder = Task {
            try await pool.run {
                holding.open()
                await release.wait()
            }
        }
        await holding.wait()
        let waiter = Task { try await pool.run { "queued" } }
        try await waitUntil(pool, running: 1, queued: 1)
        signal.connect("refused", defaultResponse: "fallback") { _ in "ran" }
        let collection = try await signal.collect(0, options: CollectOptions(execution: .pool(pool)))
        #expect(collection.responses.map(\.response) == ["fallback"])
        #expect(collection.failures.first?.error is PoolQueueFull)
        release.open()
        _ = try await holder.value
        _ = try await waiter.value
    }

    @Test("throwAfterAll throws what was gathered; options that cannot work are refused")
    func errorsAndInvalidOptions() async throws {
        let signal = makeSignal(of: (Int.self, String.self))
        signal.connect("ok") { _ in "ok" }
        signal.connect("broken") { _ in throw ListenerBroke(listener: "broken") }
        let error = try await #require(throws: SignalCollectionFailed<String>.self) {
            try await signal.collect(0, options: CollectOptions(errors: .throwAfterAll))
        }
        #expect(error.collection.ownResponses == ["ok"])
        #expect(error.collection.failures.map(\.listener.name) == ["broken"])
        for options in [
            CollectOptions(completeness: .first(0)), CollectOptions(deadline: .zero), CollectOptions(deadline: .seconds(-1)),
            CollectOptions(deadline: .seconds(86_401)),
        ] {
            await #expect(throws: InvalidCollectOptions.self) { try await signal.collect(0, options: options) }
        }
    }

    @Test("a collector cancelled while its listeners run throws CancellationError and cancels them")
    func cancelledCollector() async throws {
        let pool = try ShortTermPool(name: "collect", configuration: .init(concurrency: 2))
        let signal = makeSignal(of: (Int.self, Int.self))
        let probe = CancellationProbe()
        let started = AsyncGate()
        signal.connect("waits") { _ in
            started.open()
            try await probe.waitForCancellation(upTo: .seconds(60))
            return 1
        }
        let collecting = Task { try await signal.collect(0, options: CollectOptions(execution: .pool(pool))) }
        await started.wait()
        collecting.cancel()
        await #expect(throws: CancellationError.self) { try await collecting.value }
        try await eventually("the listener to be cancelled") { probe.cancelledAfter != nil }
    }
}
