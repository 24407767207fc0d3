/// An SQS request that did not succeed.
public enum SQSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// SQS answered with an error: its code (`QueueDoesNotExist`, `ThrottlingException`, …), message and HTTP
    /// status. Throttling and server errors are retried before this is thrown.
    case service(operation: String, code: String, message: String, status: Int)
    /// No answer: the endpoint could not be reached, or the connection failed or timed out (after the retries).
    case transport(operation: String, reason: String)
    /// SQS answered with something the library cannot read.
    case invalidResponse(operation: String, reason: String)
    /// The endpoint URL cannot work.
    case invalidEndpoint(String)

    /// The AWS error code, for ``service(operation:code:message:status:)``.
    public var code: String? {
        if case .service(_, let code, _, _) = self { return code }
        return nil
    }

    public var description: String {
        switch self {
        case .service(let operation, let code, let message, let status):
            "SQS \(operation) failed: \(code) (HTTP \(status)): \(message)"
        case .transport(let operation, let reason): "SQS \(operation) got no answer: \(reason)"
        case .invalidResponse(let operation, let reason): "SQS \(operation) answered unreadably: \(reason)"
        case .invalidEndpoint(let reason): "invalid SQS endpoint: \(reason)"
        }
    }
}
