import Deferrable

/// Helpers for testing code that pushes and runs jobs: instances on the in-memory backend and a manual clock, a record
/// of every push, and draining of what is due.
///
/// ```swift
/// let kit = DeferrableTestKit()
/// let app = try kit.instance(group: "mail")
/// try app.register(Jobs.welcome) { userID, _ in sent.append(userID) }
///
/// try await signUp(user: 42, deferrable: app)                        // the code under test pushes
/// #expect(try kit.pushed(Jobs.welcome) == [42])                     // what was pushed, decoded
/// #expect(try await kit.drain(app).map(\.label) == ["completed"])   // run what is due now
/// try await kit.advance(by: .seconds(300), draining: app)           // move time, run what became due
/// ```
///
/// Everything happens in this process: time moves only when ``advance(by:draining:)`` (or ``clock``) moves it, so
/// delays, retries with backoff, leases and TTLs are tested without sleeping.
public final class DeferrableTestKit: Sendable {
    /// The clock of every instance the kit makes, and of its backend.
    public let clock: ManualClock
    /// The store of every instance the kit makes: instances of one group share its jobs.
    public let factory: MemoryBackendFactory
    private let recorder = PushRecorder()

    /// Creates a kit whose clock starts at `startMillis` (epoch ms).
    public init(startMillis: Int64 = 1_700_000_000_000, errorQueueLimits: ErrorQueueLimits = ErrorQueueLimits()) {
        clock = ManualClock(startMillis: startMillis)
        factory = MemoryBackendFactory(clock: clock, errorQueueLimits: errorQueueLimits)
    }

    /// An instance over `group` of the kit's store, on its clock, whose pushes the kit records. A debounced job
    /// needs a `debouncer` (a ``MemoryDebouncer`` on ``clock``, for example).
    public func instance(
        group: String = GroupName.default, defaults: JobDefaults = JobDefaults(), debouncer: (any Debouncer)? = nil
    ) throws -> Deferrable {
        let deferrable = try Deferrable(factory: factory, group: group, defaults: defaults, clock: clock, debouncer: debouncer)
        deferrable.addObserver(recorder)
        return deferrable
    }

    /// Every job pushed through the kit's instances so far, in push order (joined debounced calls push nothing).
    public var pushed: [PushedJob] { recorder.pushed }

    /// The arguments of the jobs pushed under `name`, in push order.
    /// - Throws: the decoding error of the first that is not an `Args`.
    public func pushed<Args: Decodable>(_ name: String, as type: Args.Type = Args.self) throws -> [Args] {
        try recorder.pushed.filter { $0.name == name }.map { try $0.arguments(as: Args.self) }
    }

    /// The arguments of the jobs pushed as `job`, in push order.
    public func pushed<Args>(_ job: JobName<Args>) throws -> [Args] {
        try pushed(job.name, as: Args.self)
    }

    /// Forgets the pushes recorded so far (the jobs stay queued).
    public func forgetPushes() {
        recorder.removeAll()
    }

    /// Runs the jobs of `deferrable` that are runnable at the clock's current time, including those they push and
    /// retries due without delay, until none is left; returns the outcomes in order.
    /// - Throws: ``DeferrableTestKitError/notDrained(limit:)`` after `limit` runs (a job that pushes itself forever).
    @discardableResult
    public func drain(_ deferrable: Deferrable, limit: Int = 10_000) async throws -> [RunOutcome] {
        var outcomes: [RunOutcome] = []
        for _ in 0..<max(0, limit) {
            let outcome = try await deferrable.runOnce(waitingUpTo: .zero)
            if outcome == .empty { return outcomes }
            outcomes.append(outcome)
        }
        throw DeferrableTestKitError.notDrained(limit: limit)
    }

    /// Moves the clock forward by `duration`, then drains each of `instances` in order (see ``drain(_:limit:)``).
    @discardableResult
    public func advance(by duration: Duration, draining instances: Deferrable...) async throws -> [RunOutcome] {
        clock.advance(by: duration)
        var outcomes: [RunOutcome] = []
        for deferrable in instances { outcomes += try await drain(deferrable) }
        return outcomes
    }
}

/// A ``DeferrableTestKit`` helper that could not finish.
public enum DeferrableTestKitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A drain ran `limit` jobs and there were still more.
    case notDrained(limit: Int)

    public var description: String {
        switch self {
        case .notDrained(let limit): "jobs were still runnable after \(limit) runs (does a job push itself at once?)"
        }
    }
}
