/// Debounce settings of a job: collapse a burst of identical calls (same group, job name and arguments)
/// into as few runs as the mode allows, without ever losing the trailing call.
///
/// Guarantees, for a window D:
/// 1. Runnable copies of one job identity are at least D apart (at most one becomes runnable in any window D).
/// 2. No lost trailing call: for every `later()` at time t, a copy of that job starts at or after t.
/// 3. With ``Mode/alwaysDelay``, the first call schedules a run D later and calls until it becomes runnable join it.
public struct Debounce: Sendable {
    /// How calls inside a window are collapsed.
    public enum Mode: Sendable, Equatable {
        /// The original's behaviour: the first call runs at once, later calls in the window are collapsed into
        /// one run at the end of the window.
        case leading
        /// Every burst runs once, D after its first call (`debounceAlwaysDelay` of the original).
        case alwaysDelay
        /// Each call pushes the pending run back to now + D, but never later than `maxWait` after the first
        /// call of the burst (when given).
        case extend(maxWait: Duration?)
    }

    /// What `later()` does when the debouncer itself fails (e.g. its Redis is down).
    public enum FailureMode: Sendable, Equatable {
        /// Fire `debounceError`; push the job at once when the debouncer reports ``DebouncerUnavailable`` (its call
        /// did nothing), else throw ``DeferrableError/debounceFailed(job:reason:)``: after a lost reply the
        /// debouncer may have pushed the job already, and pushing it again would run it twice.
        case failOpen
        /// Fire `debounceError` and throw ``DeferrableError/debounceFailed(job:reason:)``.
        case failClosed
    }

    /// The window D, a value or a closure evaluated at each `later()`.
    public var window: DurationSetting
    /// The mode.
    public var mode: Mode
    /// What to do when the debouncer fails.
    public var onFailure: FailureMode

    /// Creates settings.
    public init(window: DurationSetting, mode: Mode = .leading, onFailure: FailureMode = .failOpen) {
        self.window = window
        self.mode = mode
        self.onFailure = onFailure
    }

    /// Leading-edge debounce with window `window`.
    public static func leading(_ window: DurationSetting, onFailure: FailureMode = .failOpen) -> Debounce {
        Debounce(window: window, mode: .leading, onFailure: onFailure)
    }

    /// Always-delay debounce with window `window`.
    public static func alwaysDelay(_ window: DurationSetting, onFailure: FailureMode = .failOpen) -> Debounce {
        Debounce(window: window, mode: .alwaysDelay, onFailure: onFailure)
    }

    /// Extending (trailing-edge) debounce with window `window` and an optional maximum wait.
    public static func extend(_ window: DurationSetting, maxWait: Duration? = nil, onFailure: FailureMode = .failOpen) -> Debounce {
        Debounce(window: window, mode: .extend(maxWait: maxWait), onFailure: onFailure)
    }
}
