/// A response gathered by ``Signal/collect(_:options:)``, tagged with the listener that gave it.
public struct CollectedResponse<Response: Sendable>: Sendable {
    /// The listener.
    public let listener: SignalListener
    /// Its response, or its declared default when it failed.
    public let response: Response
    /// `true` when `response` is the listener's default, standing in after a failure.
    public let isDefault: Bool
}
