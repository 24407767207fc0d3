/// One listener and how its part of a delivery ended.
public struct ListenerResult<Response: Sendable>: Sendable {
    /// The listener.
    public let listener: SignalListener
    /// How it ended.
    public let outcome: ListenerOutcome<Response>

    /// Its own response, or its default response when it failed; `nil` when it has neither, was queued or did not
    /// run.
    public var response: Response? {
        switch outcome {
        case .responded(let response): response
        case .failed(_, let defaultResponse): defaultResponse
        case .queued, .notRun: nil
        }
    }

    /// Its failure, when it failed.
    public var failure: ListenerFailure? {
        if case .failed(let failure, _) = outcome { failure } else { nil }
    }
}
