/// What a settlement counts in the task statistics, handed to ``JobQueue/settle(_:_:tally:)`` so that a backend
/// writes the counters in the same atomic step as the settlement.
public struct TaskTally: Sendable, Hashable {
    /// The job name (``TaskStatistics/unknownName`` when the consumer has no job of that name).
    public var name: String
    /// How the run ended.
    public var outcome: TaskOutcome
    /// The run time (the body's start to its end); `nil` when the body did not run.
    public var runTime: Duration?
    /// The queue wait (runnable → start, measured to the pop); `nil` when unknown.
    public var queueWait: Duration?

    /// Creates a tally.
    public init(name: String, outcome: TaskOutcome, runTime: Duration? = nil, queueWait: Duration? = nil) {
        self.name = name
        self.outcome = outcome
        self.runTime = runTime
        self.queueWait = queueWait
    }
}
