/// How a listener of a ``Signal`` runs when the signal is sent; the listener chooses it when it connects.
public enum ListenerMode: String, Sendable, Hashable, CustomStringConvertible {
    /// The listener runs at once, in the sender's task, in priority order.
    case immediate
    /// The listener is pushed as a Deferrable job and runs on a worker, with the job's retries, TTL and error
    /// queue; it outlives the request that sent the signal.
    case queued

    public var description: String { rawValue }
}
