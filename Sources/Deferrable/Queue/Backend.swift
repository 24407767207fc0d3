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
}

extension Backend {
    /// No result store: jobs that return a value cannot be registered.
    public var results: (any ResultStore)? { nil }
}
