/// Records whether, and how soon, a job body waiting in it was cancelled.
public final class CancellationProbe: Sendable {
    private let elapsed = Locked<Duration?>(nil)

    /// Creates a probe that saw no cancellation yet.
    public init() {}

    /// How long the wait lasted before it was cancelled; `nil` if it was not cancelled.
    public var cancelledAfter: Duration? { elapsed.withLock { $0 } }

    /// Waits up to `limit` for the calling task to be cancelled; records how long that took and rethrows the
    /// cancellation.
    public func waitForCancellation(upTo limit: Duration) async throws {
        let start = ContinuousClock.now
        do {
            try await Task.sleep(for: limit)
        } catch {
            elapsed.withLock { $0 = start.duration(to: .now) }
            throw error
        }
    }
}
