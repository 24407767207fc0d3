/// A listener of a ``Signal`` as reports name it: its name, priority, mode and token.
public struct SignalListener: Hashable, Sendable, CustomStringConvertible {
    /// The name given at connection (in logs, metric dimensions and reports).
    public let name: String
    /// Listeners with a higher priority run first; equal priorities run in order of connection.
    public let priority: Int
    /// Whether the listener runs at once or as a queued job.
    public let mode: ListenerMode
    /// The token of its connection.
    public let token: ListenerToken

    public var description: String { "\(name) (priority \(priority), \(mode))" }
}
