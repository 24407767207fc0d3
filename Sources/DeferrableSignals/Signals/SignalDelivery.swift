/// The report of ``Signal/send(_:errors:)`` and ``Signal/dispatchInOrder(_:errors:)``: every listener in the
/// order it was reached, and how it ended.
public struct SignalDelivery<Response: Sendable>: Sendable {
    /// The signal's name.
    public let signal: String
    /// One entry per listener, in dispatch order (priority, then connection).
    public let results: [ListenerResult<Response>]

    /// The listeners that failed, with their errors.
    public var failures: [ListenerFailure] { results.compactMap(\.failure) }
    /// Every response in dispatch order: the listeners' own, and the defaults of failed listeners that have one.
    public var responses: [Response] { results.compactMap(\.response) }
    /// `true` when no listener failed.
    public var succeeded: Bool { results.allSatisfy { $0.failure == nil } }
}
