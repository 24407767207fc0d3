/// A job or setting the SQS backend cannot carry. Nothing was sent when one of these is thrown.
public enum SQSBackendError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The job's message (body and attributes) is larger than the queue accepts.
    case messageTooLarge(id: String, size: Int, limit: Int)
    /// A lease longer than SQS's longest visibility timeout (12 hours).
    case leaseTooLong(Duration)
    /// The queue name made of the prefix and the group is not a valid SQS queue name.
    case invalidQueueName(String, reason: String)
    /// A setting is out of range.
    case invalidSettings(String)

    public var description: String {
        switch self {
        case .messageTooLarge(let id, let size, let limit):
            "job \(id): its SQS message is \(size) bytes, more than the queue's limit of \(limit)"
        case .leaseTooLong(let lease): "a lease of \(lease) is longer than SQS's 12-hour visibility timeout"
        case .invalidQueueName(let name, let reason): "invalid SQS queue name '\(name)': \(reason)"
        case .invalidSettings(let reason): "invalid SQS backend settings: \(reason)"
        }
    }
}
