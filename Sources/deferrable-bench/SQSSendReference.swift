import Deferrable
import DeferrableSQS

/// The SQS ceiling for one job pushed at a time, measured in the same run: `n` plain `SendMessage` calls one after
/// another through the library's own SQS client (signed, over the same connection pool), with a body of a job's
/// size. Its messages per second are the reference every SQS ratio divides by. The queue is purged afterwards.
struct SQSSendReference {
    let factory: SQSBackendFactory
    let n: Int
    let runID: String

    /// The body: about the size of a no-op job's envelope.
    static let body = String(repeating: "x", count: 290)

    func run() async throws -> PhaseResult {
        let group = "bench-ref-\(runID)"
        try await factory.sendPlainMessage(Self.body, group: group)  // creates the queue and warms a connection
        let meter = PhaseMeter()
        for _ in 0..<n {
            try await factory.sendPlainMessage(Self.body, group: group)
        }
        let reading = meter.stop()
        try await factory.makeBackend(group: group).queue.flush()
        let rate = reading.seconds > 0 ? Double(n) / reading.seconds : 0
        return PhaseResult(
            phase: "reference-sqs-send", backend: "sqs-client", job: "-", n: n, concurrency: 1, seconds: reading.seconds,
            jobsPerSecond: rate, latency: nil, cpuSeconds: reading.cpuSeconds, peakRSSBytes: reading.peakRSSBytes,
            ratioToReference: 1, extra: [])
    }
}
