import Foundation
import Synchronization

/// The wall clock Deferrable reads, injectable so tests of delay, TTL, backoff and leases need not sleep.
public protocol DeferrableClock: Sendable {
    /// The current time in milliseconds since the Unix epoch.
    func nowMillis() -> Int64
}

/// The system wall clock.
public struct SystemClock: DeferrableClock {
    /// Creates the system clock.
    public init() {}

    /// The wall clock in epoch milliseconds.
    public func nowMillis() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}

extension DeferrableClock where Self == SystemClock {
    /// The system wall clock.
    public static var system: SystemClock { SystemClock() }
}

/// A clock that only moves when told to, for tests.
public final class ManualClock: DeferrableClock {
    private let current: Mutex<Int64>

    /// Creates a clock reading `startMillis`.
    public init(startMillis: Int64 = 1_700_000_000_000) {
        current = Mutex(startMillis)
    }

    /// The current reading in epoch milliseconds.
    public func nowMillis() -> Int64 {
        current.withLock { $0 }
    }

    /// Moves the clock forward by `duration`, stopping at the limits of `Int64` milliseconds.
    public func advance(by duration: Duration) {
        current.withLock { $0 = $0.addingSaturated(duration.wholeMilliseconds) }
    }
}
