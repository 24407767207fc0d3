import Deferrable
import DeferrableTestSupport
import Foundation
import Metrics
import MetricsTestKit
import Synchronization
import Testing

@Suite("MetricsObserver")
struct MetricsObserverTests {
    private func make(_ group: String, clock: ManualClock? = nil) throws -> (Deferrable, TestMetrics) {
        let metrics = TestMetrics()
        let clock = clock ?? ManualClock()
        let deferrable = try Deferrable(factory: MemoryBackendFactory(clock: clock), group: group, clock: clock)
        deferrable.addObserver(MetricsObserver(factory: metrics, clock: clock))
        return (deferrable, metrics)
    }

    @Test("push, completion, run duration, queue wait and in-flight are reported with group and job dimensions")
    func successfulRun() async throws {
        let clock = ManualClock()
        let (deferrable, metrics) = try make("m", clock: clock)
        let inFlightSeen = MetricsProbe()
        let handle = try deferrable.register("hello") { (_: Int, _: JobContext) in
            inFlightSeen.value = try? metrics.expectMeter(MetricsObserver.Label.inFlight, [("group", "m")]).lastValue
        }
        try await handle.later(1)
        clock.advance(by: .milliseconds(1500))
        #expect(try await deferrable.runOnce(waitingUpTo: .zero).label == "completed")

        let job = [("group", "m"), ("job", "hello")]
        #expect(try metrics.expectCounter(MetricsObserver.Label.pushed, job).totalValue == 1)
        #expect(try metrics.expectCounter(MetricsObserver.Label.completed, job).totalValue == 1)
        #expect(try metrics.expectCounter(MetricsObserver.Label.runs, job + [("outcome", "completed")]).totalValue == 1)
        #expect(try metrics.expectTimer(MetricsObserver.Label.queueWait, job).values == [1_500_000_000])
        #expect(try metrics.expectTimer(MetricsObserver.Label.runDuration, job + [("outcome", "completed")]).values.count == 1)
        #expect(inFlightSeen.value == 1)
        #expect(try metrics.expectMeter(MetricsObserver.Label.inFlight, [("group", "m")]).lastValue == 0)
    }

    @Test("queue wait of a delayed job counts from when it became runnable")
    func queueWaitOfDelayedJob() async throws {
        let clock = ManualClock()
        let (deferrable, metrics) = try make("d", clock: clock)
        let handle = try deferrable.register("later", options: JobOptions(delay: .fixed(.seconds(60)))) { (_: Int, _: JobContext) in }
        try await handle.later(1)
        clock.advance(by: .seconds(61))
        _ = try await deferrable.runOnce(waitingUpTo: .zero)
        #expect(try metrics.expectTimer(MetricsObserver.Label.queueWait, [("group", "d"), ("job", "later")]).values == [1_000_000_000])
    }

    @Test("retries, failures to the error queue and expiries are counted")
    func failureCounters() async throws {
        let clock = ManualClock()
        let (deferrable, metrics) = try make("f", clock: clock)
        struct Boom: Error {}
        let flaky = try deferrable.register(
            "flaky", options: JobOptions(maxAttempts: 2, retry: .on(Boom.self), backoff: .fixed(.zero))
        ) { (_: Int, _: JobContext) in throw Boom() }
        let brief = try deferrable.register("brief", options: JobOptions(ttl: .fixed(.seconds(1)))) { (_: Int, _: JobContext) in }
        try await flaky.later(1)
        #expect(try await deferrable.runOnce(waitingUpTo: .zero).label == "retried")
        #expect(try await deferrable.runOnce(waitingUpTo: .zero).label == "failed")
        try await brief.later(1)
        clock.advance(by: .seconds(2))
        #expect(try await deferrable.runOnce(waitingUpTo: .zero).label == "expired")

        #expect(try metrics.expectCounter(MetricsObserver.Label.retried, [("group", "f"), ("job", "flaky")]).totalValue == 1)
        #expect(try metrics.expectCounter(MetricsObserver.Label.failed, [("group", "f"), ("job", "flaky")]).totalValue == 1)
        #expect(try metrics.expectCounter(MetricsObserver.Label.expired, [("group", "f"), ("job", "brief")]).totalValue == 1)
        #expect(metrics.counterTotal(label: MetricsObserver.Label.completed) == 0)
        #expect(
            try metrics.expectCounter(MetricsObserver.Label.runs, [("group", "f"), ("job", "flaky"), ("outcome", "failed")]).totalValue == 1
        )
        #expect(try metrics.expectMeter(MetricsObserver.Label.inFlight, [("group", "f")]).lastValue == 0)
    }

    @Test("a handed-back run is timed with outcome handedBack and leaves nothing in flight")
    func handedBack() async throws {
        let (deferrable, metrics) = try make("h")
        let started = RunCounter()
        try await deferrable.register("long") { (_: Int, _: JobContext) in
            started.next()
            try await Task.sleep(for: .seconds(10))
        }.later(1)
        let run = Task { try await deferrable.runOnce(waitingUpTo: .zero) }
        try await eventually("the job to start") { started.count == 1 }
        #expect(try metrics.expectMeter(MetricsObserver.Label.inFlight, [("group", "h")]).lastValue == 1)
        run.cancel()
        #expect(try await run.value.label == "handedBack")
        let dimensions = [("group", "h"), ("job", "long"), ("outcome", "handedBack")]
        #expect(try metrics.expectCounter(MetricsObserver.Label.runs, dimensions).totalValue == 1)
        #expect(try metrics.expectTimer(MetricsObserver.Label.runDuration, dimensions).values.count == 1)
        #expect(try metrics.expectMeter(MetricsObserver.Label.inFlight, [("group", "h")]).lastValue == 0)
    }

    @Test("a run closed without its pop being seen leaves in-flight at zero, and takes its duration from the event")
    func unseenPop() async throws {
        let metrics = TestMetrics()
        let observer = MetricsObserver(factory: metrics)
        let ref = JobRef(id: "1", name: "sync", group: "u")
        let closing = DeferrableEvent(kind: .complete, job: ref, outcome: .completed(ref), runDuration: .milliseconds(7))
        try await observer.handle(closing)
        #expect(try metrics.expectMeter(MetricsObserver.Label.inFlight, [("group", "u")]).lastValue == 0)
        #expect(
            try metrics.expectTimer(MetricsObserver.Label.runDuration, [("group", "u"), ("job", "sync"), ("outcome", "completed")]).values
                == [7_000_000])
        try await observer.handle(DeferrableEvent(kind: .pop, job: ref))
        try await observer.handle(DeferrableEvent(kind: .pop, job: JobRef(id: "2", name: "other", group: "u")))
        #expect(try metrics.expectMeter(MetricsObserver.Label.inFlight, [("group", "u")]).lastValue == 2)
        try await observer.handle(closing)
        #expect(try metrics.expectMeter(MetricsObserver.Label.inFlight, [("group", "u")]).lastValue == 1)
    }

    @Test("debounceHit events count as debounced")
    func debounced() async throws {
        let metrics = TestMetrics()
        let observer = MetricsObserver(factory: metrics)
        try await observer.handle(DeferrableEvent(kind: .debounceHit, job: JobRef(id: "1", name: "sync", group: "g")))
        #expect(try metrics.expectCounter(MetricsObserver.Label.debounced, [("group", "g"), ("job", "sync")]).totalValue == 1)
    }

    @Test("the worker adds a MetricsObserver only where there is none")
    func workerAddsObserver() async throws {
        let metrics = TestMetrics()
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "w")
        deferrable.addObserver(MetricsObserver(factory: metrics))
        _ = Worker(deferrable)
        _ = Worker(deferrable)
        try await deferrable.register("job") { (_: Int, _: JobContext) in }.later(1)
        #expect(
            try metrics.expectCounter(MetricsObserver.Label.pushed, [("group", "w"), ("job", "job")]).totalValue == 1, "no double counting")
    }
}

/// A value read inside a job body.
final class MetricsProbe: Sendable {
    private let box = Mutex<Double?>(nil)

    var value: Double? {
        get { box.withLock { $0 } }
        set { box.withLock { $0 = newValue } }
    }
}
