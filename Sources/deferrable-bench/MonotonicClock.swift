/// Monotonic nanoseconds since the process started measuring, comparable across tasks and threads.
///
/// Job arguments carry a send instant from this clock, so push-to-start latency is measured without wall
/// clock jumps.
enum MonotonicClock {
    private static let origin = ContinuousClock.now

    /// Nanoseconds since the origin.
    static func nanos() -> Int64 {
        let elapsed = origin.duration(to: .now).components
        return elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000
    }
}
