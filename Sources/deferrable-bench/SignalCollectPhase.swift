import DeferrableSignals

/// `signal-collect` (in process, reported on the memory backend): how long a collection takes.
///
/// A signal with 100 immediate listeners that each answer at once; `--roundtrips` collections of all their
/// responses inline (in the caller, one listener after another) and as many on a ``ShortTermPool`` of 16 (the
/// default time limit, so each listener runs in a task of its own). `inline_us` and `pooled_us` are the p50, p90,
/// p99 and max of one collection in microseconds; the row's `seconds` and `jobs_per_sec` (collections per second)
/// are the pooled side's.
enum SignalCollectPhase {
    static let listeners = 100

    /// Runs the phase.
    static func run(_ context: PhaseContext) async throws -> PhaseResult {
        let rounds = context.settings.roundtrips
        let signal = Signal<Int, Int>("bench")
        for index in 0..<listeners {
            signal.connect("listener-\(index)") { $0 &+ index }
        }
        let pool = try ShortTermPool(name: "bench-collect", configuration: .init(concurrency: 16))
        let inline = try await measure(signal, rounds: rounds, options: CollectOptions())
        let meter = PhaseMeter()
        let pooled = try await measure(signal, rounds: rounds, options: CollectOptions(execution: .pool(pool)))
        let reading = meter.stop()
        return context.result(
            .signalCollect, n: rounds, concurrency: 16, seconds: reading.seconds, reading: reading,
            extra: [
                ("listeners", .int(listeners)),
                ("inline_us", microseconds(inline)),
                ("pooled_us", microseconds(pooled)),
            ])
    }

    /// Runs `rounds` collections after one untimed warm-up and records each one's duration.
    private static func measure(_ signal: Signal<Int, Int>, rounds: Int, options: CollectOptions) async throws -> LatencySummary {
        let recorder = LatencyRecorder(capacity: rounds)
        _ = try await signal.collect(0, options: options)
        for round in 0..<rounds {
            let start = MonotonicClock.nanos()
            let collection = try await signal.collect(round, options: options)
            recorder.record(nanos: MonotonicClock.nanos() - start)
            guard collection.responses.count == listeners, !collection.isPartial else {
                throw BenchError.invalidOptions("a collection lost responses")
            }
        }
        guard let summary = recorder.summary() else { throw BenchError.invalidOptions("no collections were timed") }
        return summary
    }

    private static func microseconds(_ summary: LatencySummary) -> JSONValue {
        .object([
            ("p50", .double(summary.p50 * 1000)), ("p90", .double(summary.p90 * 1000)), ("p99", .double(summary.p99 * 1000)),
            ("max", .double(summary.max * 1000)),
        ])
    }
}
