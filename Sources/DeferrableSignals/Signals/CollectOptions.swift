/// How ``Signal/collect(_:options:)`` runs its listeners and when it stops waiting for them.
public struct CollectOptions: Sendable {
    /// Where the listeners run: inline in the caller, one after another, or on a ``ShortTermPool``.
    public var execution: CollectExecution
    /// How many answers end the collection.
    public var completeness: CollectCompleteness
    /// How long after the call the collection returns what has arrived, marked partial; `nil`: no deadline.
    /// Must be above zero.
    public var deadline: Duration?
    /// What a listener's error does to the rest of the collection.
    public var errors: SignalErrorPolicy

    /// Creates options; the defaults run every listener inline, wait for all of them, and collect errors.
    public init(
        execution: CollectExecution = .inline, completeness: CollectCompleteness = .all, deadline: Duration? = nil,
        errors: SignalErrorPolicy = .collect
    ) {
        self.execution = execution
        self.completeness = completeness
        self.deadline = deadline
        self.errors = errors
    }
}
