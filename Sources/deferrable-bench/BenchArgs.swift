/// The arguments of every benchmark job: small, like a typical job's ids.
struct BenchArgs: Codable, Sendable {
    /// Sequence number of the job within its phase.
    var seq: Int
    /// ``MonotonicClock`` nanoseconds just before `later()` was called (0 when the phase does not measure latency).
    var sentAt: Int64
    /// The job's delay in nanoseconds when it was pushed with one (`delayed-latency`): it is due at `sentAt` plus
    /// this, and its latency is measured from then.
    var delayNanos: Int64? = nil
}
