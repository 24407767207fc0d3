/// The queues of one group: a main queue and an error queue.
public protocol Backend: Sendable {
    /// The group name.
    var group: String { get }
    /// The main queue.
    var queue: any JobQueue { get }
    /// The error queue.
    var errorQueue: any ErrorQueue { get }
    /// Where the terminal records of jobs that return a value are kept, if the backend keeps them.
    var results: (any ResultStore)? { get }
    /// Where the group's task statistics are kept, if the backend keeps them.
    var statistics: (any TaskStatisticsStore)? { get }
    /// Where the heartbeats of the group's workers are kept, if the backend keeps them.
    var workers: (any WorkerDirectory)? { get }
    /// Read-only views of the main queue, if the backend offers them.
    var inspector: (any QueueInspector)? { get }
}

extension Backend {
    /// No result store: jobs that return a value cannot be registered.
    public var results: (any ResultStore)? { nil }
    /// No task statistics.
    public var statistics: (any TaskStatisticsStore)? { nil }
    /// No worker heartbeats.
    public var workers: (any WorkerDirectory)? { nil }
    /// No queue inspection.
    public var inspector: (any QueueInspector)? { nil }
}
