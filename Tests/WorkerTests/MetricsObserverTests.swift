import Deferrable
import Foundation
import Metrics
import Synchronization
import Testing

@Suite("MetricsObserver")
struct MetricsObserverTests {
    private func make(_ group: String, clock: ManualClock? = nil) throws -> (Deferrable, RecordingMetrics) {
        let metrics = RecordingMetrics()
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
            inFlightSeen.value = metrics.meter(MetricsObserver.Label.inFlight, [("group", "m")])
        }
        try await handle.later(1)
        clock.advance(by: .milliseconds(1500))
        #expect(try await deferrable.runOnce(waitingUpTo: .zero).label == "completed")

        let job = [("group", "m"), ("job", "hello")]
        #expect(metrics.counter(MetricsObserver.Label.pushed, job) == 1)
        #expect(metrics.counter(MetricsObserver.Label.completed, job) == 1)
        #expect(metrics.counter(MetricsObserver.Label.runs, job + [("outcome", "completed")]) == 1)
        #expect(metrics.timer(MetricsObserver.Label.queueWait, job) == [1_500_000_000])
        #expect(metrics.timer(MetricsObserver.Label.runDuration, job + [("outcome", "completed")]).count == 1)
        #expect(inFlightSeen.value == 1)
        #expect(metrics.meter(MetricsObserver.Label.inFlight, [("group", "m")]) == 0)
    }

    @Test("queue wait of a delayed job counts from when it became runnable")
    func queueWaitOfDelayedJob() async throws {
        let clock = ManualClock()
        let (deferrable, metrics) = try make("d", clock: clock)
        let handle = try deferrable.register("later", options: JobOptions(delay: .fixed(.seconds(60)))) { (_: Int, _: JobContext) in }
        try await handle.later(1)
        clock.advance(by: .seconds(61))
        _ = try await deferrable.runOnce(waitingUpTo: .zero)
        #expect(metrics.timer(MetricsObserver.Label.queueWait, [("group", "d"), ("job", "later")]) == [1_000_000_000])
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

        #expect(metrics.counter(MetricsObserver.Label.retried, [("group", "f"), ("job", "flaky")]) == 1)
        #expect(metrics.counter(MetricsObserver.Label.failed, [("group", "f"), ("job", "flaky")]) == 1)
        #expect(metrics.counter(MetricsObserver.Label.expired, [("group", "f"), ("job", "brief")]) == 1)
        #expect(metrics.counterTotal(MetricsObserver.Label.completed) == 0)
        #expect(metrics.counter(MetricsObserver.Label.runs, [("group", "f"), ("job", "flaky"), ("outcome", "failed")]) == 1)
        #expect(metrics.meter(MetricsObserver.Label.inFlight, [("group", "f")]) == 0)
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
        #expect(metrics.meter(MetricsObserver.Label.inFlight, [("group", "h")]) == 1)
        run.cancel()
        #expect(try await run.value.label == "handedBack")
        let dimensions = [("group", "h"), ("job", "long"), ("outcome", "handedBack")]
        #expect(metrics.counter(MetricsObserver.Label.runs, dimensions) == 1)
        #expect(metrics.timer(MetricsObserver.Label.runDuration, dimensions).count == 1)
        #expect(metrics.meter(MetricsObserver.Label.inFlight, [("group", "h")]) == 0)
    }

    @Test("a run closed without its pop being seen leaves in-flight at zero, and takes its duration from the event")
    func unseenPop() async throws {
        let metrics = RecordingMetrics()
        let observer = MetricsObserver(factory: metrics)
        let ref = JobRef(id: "1", name: "sync", group: "u")
        let closing = DeferrableEvent(kind: .complete, job: ref, outcome: .completed(ref), runDuration: .milliseconds(7))
        try await observer.handle(closing)
        #expect(metrics.meter(MetricsObserver.Label.inFlight, [("group", "u")]) == 0)
        #expect(
            metrics.timer(MetricsObserver.Label.runDuration, [("group", "u"), ("job", "sync"), ("outcome", "completed")])
                == [7_000_000])
        try await observer.handle(DeferrableEvent(kind: .pop, job: ref))
        try await observer.handle(DeferrableEvent(kind: .pop, job: JobRef(id: "2", name: "other", group: "u")))
        #expect(metrics.meter(MetricsObserver.Label.inFlight, [("group", "u")]) == 2)
        try await observer.handle(closing)
        #expect(metrics.meter(MetricsObserver.Label.inFlight, [("group", "u")]) == 1)
    }

    @Test("debounceHit events count as debounced")
    func debounced() async throws {
        let metrics = RecordingMetrics()
        let observer = MetricsObserver(factory: metrics)
        try await observer.handle(DeferrableEvent(kind: .debounceHit, job: JobRef(id: "1", name: "sync", group: "g")))
        #expect(metrics.counter(MetricsObserver.Label.debounced, [("group", "g"), ("job", "sync")]) == 1)
    }

    @Test("the worker adds a MetricsObserver only where there is none")
    func workerAddsObserver() async throws {
        let metrics = RecordingMetrics()
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "w")
        deferrable.addObserver(MetricsObserver(factory: metrics))
        _ = Worker(deferrable)
        _ = Worker(deferrable)
        try await deferrable.register("job") { (_: Int, _: JobContext) in }.later(1)
        #expect(metrics.counter(MetricsObserver.Label.pushed, [("group", "w"), ("job", "job")]) == 1, "no double counting")
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
