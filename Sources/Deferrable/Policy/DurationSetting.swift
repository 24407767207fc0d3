/// A duration option (delay, TTL, debounce window) given as a value or as a closure evaluated once per
/// `later()`.
public struct DurationSetting: Sendable {
    private let compute: @Sendable () -> Duration
    /// Whether the value comes from a closure (then it is validated at `later()` time).
    public let isComputed: Bool

    /// A fixed duration.
    public static func fixed(_ duration: Duration) -> DurationSetting {
        DurationSetting(compute: { duration }, isComputed: false)
    }

    /// A duration computed by `body` at each `later()`.
    public static func computed(_ body: @escaping @Sendable () -> Duration) -> DurationSetting {
        DurationSetting(compute: body, isComputed: true)
    }

    /// A fixed number of seconds, rounded to whole milliseconds.
    ///
    /// A value beyond what `Int64` milliseconds hold (such as `.infinity`) becomes the longest or the most negative
    /// such duration, and NaN the most negative one; options refuse both with
    /// ``DeferrableError/invalidOption(job:reason:)`` at registration.
    public static func seconds(_ seconds: Double) -> DurationSetting {
        let millis = (seconds * 1000).rounded()
        // 2^63 is exactly representable; `Int64(_:)` traps at and above it, and on NaN.
        guard !millis.isNaN, millis > -0x1p63 else { return .milliseconds(.min) }
        return .milliseconds(millis < 0x1p63 ? Int64(millis) : .max)
    }

    /// A fixed number of milliseconds.
    public static func milliseconds(_ milliseconds: Int64) -> DurationSetting {
        .fixed(.milliseconds(milliseconds))
    }

    /// The current value.
    public func resolve() -> Duration {
        compute()
    }
}
