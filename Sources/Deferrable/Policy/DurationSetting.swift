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

    /// A fixed number of seconds.
    public static func seconds(_ seconds: Double) -> DurationSetting {
        .fixed(.milliseconds(Int64((seconds * 1000).rounded())))
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
