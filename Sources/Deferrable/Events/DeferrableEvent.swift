/// Something that happened to a job, delivered to every ``DeferrableObserver`` in registration order.
///
/// Event order per outcome: success `pop, complete`; expired `pop, expire, complete`; retry
/// `pop, retry, complete`; error queue `pop, error, complete`; discard `pop, discard, complete`;
/// reschedule `pop, reschedule, complete`; circuit open `pop, circuitWait, complete`; handed back `pop, handBack`; lease lost or settlement failed
/// `pop, abandon`; nothing runnable `empty`. A `push` follows every `later()`. Every `pop` is followed by exactly one
/// of the events that close a run: `complete`, `handBack` or `abandon`.
public struct DeferrableEvent: Sendable {
    /// Kinds of events. More may be added later.
    public enum Kind: String, Sendable, CaseIterable {
        /// A job was pushed by `later()`.
        case push
        /// A job was taken from the queue.
        case pop
        /// Nothing was runnable.
        case empty
        /// A popped job is settled (follows every outcome of a popped job except `leaseLost`/`handedBack`).
        case complete
        /// The job was past its TTL.
        case expire
        /// The job will be retried.
        case retry
        /// The job went to the error queue.
        case error
        /// The job discarded itself.
        case discard
        /// The job rescheduled itself.
        case reschedule
        /// The job's circuit breaker was open: the job was rescheduled without running.
        case circuitWait
        /// The run was cancelled and the job handed back.
        case handBack
        /// The run ended without a settlement this consumer could confirm: its lease was lost (``outcome`` is
        /// ``RunOutcome/leaseLost(_:)``), or every call to settle it failed until the lease deadline (``outcome`` is
        /// `nil` and ``error`` holds the backend's error; the job runs again once its lease lapses).
        case abandon
        /// The debouncer collapsed this call into a pending run.
        case debounceHit
        /// The debouncer let this call push.
        case debounceMiss
        /// The debouncer failed.
        case debounceError
    }

    /// What happened.
    public let kind: Kind
    /// The job, when there is one.
    public let job: JobRef?
    /// The envelope, when it could be read.
    public let envelope: JobEnvelope?
    /// The outcome of the run, for events that close a run.
    public let outcome: RunOutcome?
    /// The error record, for `error` events; the failure, for `debounceError`.
    public let error: ErrorRecord?
    /// For events that close a run (`complete`, `handBack`, `abandon`): the time from the pop to the settlement, as
    /// the consumer measured it.
    public let runDuration: Duration?
    /// Whether ``job``'s name is not registered on the instance that emitted the event: such a name was written by a
    /// producer (or could not be read), and is not a bounded set of values. Set as the event is delivered.
    var hasUnregisteredName = false

    /// Creates an event.
    public init(
        kind: Kind,
        job: JobRef? = nil,
        envelope: JobEnvelope? = nil,
        outcome: RunOutcome? = nil,
        error: ErrorRecord? = nil,
        runDuration: Duration? = nil
    ) {
        self.kind = kind
        self.job = job
        self.envelope = envelope
        self.outcome = outcome
        self.error = error
        self.runDuration = runDuration
    }
}
