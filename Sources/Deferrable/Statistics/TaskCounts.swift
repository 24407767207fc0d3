/// Counts of runs by ``TaskOutcome``.
public struct TaskCounts: Sendable, Codable, Hashable {
    /// Runs that succeeded.
    public var succeeded: Int
    /// Runs that ended in the error queue.
    public var failed: Int
    /// Runs that will be retried.
    public var retried: Int
    /// Jobs dropped past their TTL.
    public var expired: Int
    /// Jobs the body discarded.
    public var discarded: Int
    /// Runs the body rescheduled.
    public var rescheduled: Int
    /// Runs handed back untouched.
    public var handedBack: Int

    /// Creates counts; every count defaults to zero.
    public init(
        succeeded: Int = 0, failed: Int = 0, retried: Int = 0, expired: Int = 0, discarded: Int = 0, rescheduled: Int = 0,
        handedBack: Int = 0
    ) {
        self.succeeded = succeeded
        self.failed = failed
        self.retried = retried
        self.expired = expired
        self.discarded = discarded
        self.rescheduled = rescheduled
        self.handedBack = handedBack
    }

    /// All runs: the sum of every outcome (saturating).
    public var total: Int {
        TaskOutcome.allCases.reduce(0) { $0.addingSaturated(self[$1]) }
    }

    /// The count of one outcome.
    public subscript(outcome: TaskOutcome) -> Int {
        get {
            switch outcome {
            case .succeeded: succeeded
            case .failed: failed
            case .retried: retried
            case .expired: expired
            case .discarded: discarded
            case .rescheduled: rescheduled
            case .handedBack: handedBack
            }
        }
        set {
            switch outcome {
            case .succeeded: succeeded = newValue
            case .failed: failed = newValue
            case .retried: retried = newValue
            case .expired: expired = newValue
            case .discarded: discarded = newValue
            case .rescheduled: rescheduled = newValue
            case .handedBack: handedBack = newValue
            }
        }
    }

    /// Adds `other`'s counts to these (saturating).
    public mutating func add(_ other: TaskCounts) {
        for outcome in TaskOutcome.allCases { self[outcome] = self[outcome].addingSaturated(other[outcome]) }
    }
}
