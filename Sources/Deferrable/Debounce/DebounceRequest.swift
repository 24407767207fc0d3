/// One `later()` call submitted to a ``Debouncer``.
public struct DebounceRequest: Sendable {
    /// Identity of the job: a SHA-1 hex digest of group, job name and the canonical (sorted-keys) JSON of
    /// the arguments. Different arguments or groups never share a key.
    public var key: String
    /// The window D.
    public var window: Duration
    /// The mode.
    public var mode: Debounce.Mode
    /// The job to push if the decision is to push (its `delay` is set by the debouncer).
    public var job: OutgoingJob

    /// Creates a request.
    public init(key: String, window: Duration, mode: Debounce.Mode, job: OutgoingJob) {
        self.key = key
        self.window = window
        self.mode = mode
        self.job = job
    }
}

/// What a ``Debouncer`` did with a call.
public enum DebounceDecision: Sendable, Equatable {
    /// The job was pushed, runnable at once.
    case pushedNow(id: String, at: Int64)
    /// The job was pushed, runnable at `runnableAt` (epoch ms).
    case pushedDelayed(id: String, runnableAt: Int64)
    /// The call joined the pending copy `id`, which becomes runnable at `runnableAt`.
    case joined(id: String, runnableAt: Int64)
    /// The call pushed the pending copy `id` back to `runnableAt` (``Debounce/Mode/extend(maxWait:)``).
    case extended(id: String, runnableAt: Int64)
}

/// Decides, records and pushes debounced jobs. Implementations: ``MemoryDebouncer`` (one process) and
/// `RedisDebouncer` (many processes, one Lua script when the backend is the same Redis).
public protocol Debouncer: Sendable {
    /// Decides what to do with `request`, records the decision and performs it on `backend`.
    ///
    /// Throw ``DebouncerUnavailable`` when the call failed before it recorded or pushed anything (only then does
    /// ``Debounce/FailureMode/failOpen`` push the job without the debouncer); any other error means the call may
    /// have taken effect.
    func submit(_ request: DebounceRequest, to backend: any Backend) async throws -> DebounceDecision
}
