/// What ``Signal/collect(_:options:)`` gathered: the responses in the order they arrived, the failures, and the
/// listeners that had not answered when it ended.
public struct SignalCollection<Response: Sendable>: Sendable {
    /// The signal's name.
    public let signal: String
    /// The responses in order of arrival (inline: dispatch order), defaults of failed listeners included.
    public let responses: [CollectedResponse<Response>]
    /// The listeners that failed, with their errors, in order of arrival.
    public let failures: [ListenerFailure]
    /// The listeners that neither answered nor failed before the collection ended (in dispatch order).
    public let unanswered: [SignalListener]
    /// Why it ended.
    public let end: CollectionEnd
    /// `true` when the listeners ran on a ``ShortTermPool``.
    public let ranOnPool: Bool

    /// `true` when the completeness was not reached: the deadline passed, too many listeners failed, or a failure
    /// stopped the collection.
    public var isPartial: Bool { end != .complete }
    /// The listeners' own responses, without defaults.
    public var ownResponses: [Response] { responses.filter { !$0.isDefault }.map(\.response) }
}
