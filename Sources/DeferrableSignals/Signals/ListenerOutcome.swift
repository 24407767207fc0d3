import Deferrable

/// How one listener's part of a delivery ended.
public enum ListenerOutcome<Response: Sendable>: Sendable {
    /// The listener ran and answered.
    case responded(Response)
    /// The listener threw (or, queued, could not be pushed); its declared default response, if any, stands in.
    case failed(ListenerFailure, defaultResponse: Response?)
    /// The listener was pushed as a job with this receipt; it runs on a worker.
    case queued(JobReceipt)
    /// The listener did not run: an earlier failure stopped the delivery (``SignalErrorPolicy/stopAtFirstFailure``).
    case notRun
}
