/// The clock a ``ShortTermPool`` or a ``Signal`` reads and sleeps on, with its instants as durations since it was
/// made.
///
/// Erases the clock's type so that neither is generic over it: any `Clock` measured in `Duration` works, the
/// continuous clock in production and a manually advanced one in tests.
struct ElapsedClock: Sendable {
    /// The time elapsed since the epoch.
    let now: @Sendable () -> Duration
    /// Sleeps until the given time since the epoch; throws `CancellationError` when cancelled.
    let sleepUntil: @Sendable (Duration) async throws -> Void

    init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let epoch = clock.now
        now = { epoch.duration(to: clock.now) }
        sleepUntil = { try await clock.sleep(until: epoch.advanced(by: $0), tolerance: nil) }
    }
}
