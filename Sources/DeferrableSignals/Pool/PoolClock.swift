/// The clock a ``ShortTermPool`` reads and sleeps on, with its instants as durations since the pool was made.
///
/// Erases the clock's type so that the pool is not generic: any `Clock` measured in `Duration` works, the
/// continuous clock in production and a manually advanced one in tests.
struct PoolClock: Sendable {
    /// The time elapsed since the pool's epoch.
    let now: @Sendable () -> Duration
    /// Sleeps until the given time since the pool's epoch; throws `CancellationError` when cancelled.
    let sleepUntil: @Sendable (Duration) async throws -> Void

    init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let epoch = clock.now
        now = { epoch.duration(to: clock.now) }
        sleepUntil = { try await clock.sleep(until: epoch.advanced(by: $0), tolerance: nil) }
    }
}
