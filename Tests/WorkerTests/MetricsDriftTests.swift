import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Logging
import Metrics
import MetricsTestKit
import Testing

/// The in-flight meter returns to zero whatever ends a run, and job names no consumer registered do not make series
/// of their own.
@Suite("Metrics that don't drift", .timeLimit(.minutes(1)))
struct MetricsDriftTests {
    private static func quietLogger() -> Logger {
        var logger = Logger(label: "metrics-drift")
        logger.logLevel = .critical
        return logger
    }

    private static func inFlight(_ metrics: TestMetrics, group: String) throws -> Double? {
        try metrics.expectMeter(MetricsObserver.Label.inFlight, [("group", group)]).lastValue
    }

    @Test("a run whose lease was lost in a runOnce loop leaves the in-flight meter at zero")
    func leaseLostInRunOnce() async throws {
        let metrics = TestMetrics()
        let factory = MemoryBackendFactory()
        let deferrable = try Deferrable(factory: factory, group: "drift-lost", logger: Self.quietLogger())
        deferrable.addObserver(MetricsObserver(factory: metrics, clock: deferrable.clock))
        let job = try deferrable.register("taken-over") { (_: Int, _: JobContext) in
            // Another consumer's view: the job is gone from the queue while this run goes on, so the settlement is refused.
            try await deferrable.backend.queue.flush()
        }
        _ = try await job.later(1)
        let outcome = try await deferrable.runOnce(waitingUpTo: .zero)
        #expect(outcome.label == "leaseLost")
        #expect(try Self.inFlight(metrics, group: "drift-lost") == 0)
        #expect(
            metrics.counterTotal(
                label: MetricsObserver.Label.runs,
                dimensions: [
                    ("group", "drift-lost"), ("job", "taken-over"), ("outcome", "leaseLost"),
                ]) == 1)
    }

    @Test(
        "a run whose settlement throws leaves the in-flight meter at zero",
        .enabled(if: RedisServerProcess.isAvailable, "needs redis-server on PATH"))
    func settlementThrows() async throws {
        let server = try await RedisServerProcess()
        defer { server.discard() }
        var configuration = try RedisConfiguration(url: server.url)
        configuration.connectTimeout = .milliseconds(200)
        configuration.commandTimeout = .milliseconds(200)
        let factory = RedisBackendFactory(
            configuration: configuration, settings: RedisBackendSettings(keyPrefix: "drift"), logger: Self.quietLogger())
        let metrics = TestMetrics()
        let deferrable = try Deferrable(
            factory: factory, group: "drift-throw", defaults: JobDefaults(lease: .milliseconds(600)), logger: Self.quietLogger())
        deferrable.addObserver(MetricsObserver(factory: metrics, clock: deferrable.clock))
        let job = try deferrable.register("server-gone") { (_: Int, _: JobContext) in
            await server.stop()
        }
        _ = try await job.later(1)
        await #expect(throws: (any Error).self) { try await deferrable.runOnce(waitingUpTo: .zero) }
        #expect(try Self.inFlight(metrics, group: "drift-throw") == 0)
        await factory.close()
    }

    @Test("a job name no consumer registered is reported as `unknown`")
    func untrustedNames() async throws {
        let metrics = TestMetrics()
        let factory = MemoryBackendFactory()
        let producer = try Deferrable(factory: factory, group: "drift-names", logger: Self.quietLogger())
        let consumer = try Deferrable(factory: factory, group: "drift-names", logger: Self.quietLogger())
        consumer.addObserver(MetricsObserver(factory: metrics, clock: consumer.clock))
        let known = try consumer.register("known") { (_: Int, _: JobContext) in }
        for index in 0..<3 {
            let stray = try producer.register("stray-\(index)") { (_: Int, _: JobContext) in }
            _ = try await stray.later(index)
        }
        _ = try await known.later(9)
        for _ in 0..<4 { _ = try await consumer.runOnce(waitingUpTo: .zero) }

        let dimensions = metrics.counters.map(\.dimensions) + metrics.timers.map(\.dimensions)
        let names = Set(dimensions.compactMap { pairs in pairs.first { $0.0 == "job" }?.1 })
        #expect(names == ["known", "unknown"])
        #expect(metrics.counterTotal(label: MetricsObserver.Label.failed, dimensions: [("group", "drift-names"), ("job", "unknown")]) == 3)
        #expect(try Self.inFlight(metrics, group: "drift-names") == 0)
    }
}
