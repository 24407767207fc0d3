/// The queues of one group: a main queue and an error queue.
public protocol Backend: Sendable {
    /// The group name.
    var group: String { get }
    /// The main queue.
    var queue: any JobQueue { get }
    /// The error queue.
    var errorQueue: any ErrorQueue { get }
}
