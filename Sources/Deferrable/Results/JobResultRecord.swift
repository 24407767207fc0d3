/// The terminal record of a job that returns a value: what a ``JobFuture`` reads.
///
/// Written by the consumer in the same atomic step that ends the job, kept for the job's result TTL. Its wire format
/// (a JSON object, `"v": 1`) is in `docs/wire-format.md`, so that other languages can read it.
public struct JobResultRecord: Sendable, Equatable {
    /// The terminal state the job reached.
    public enum State: String, Sendable, Equatable, CaseIterable {
        /// The body returned; ``JobResultRecord/valueJSON`` holds the value unless ``JobResultRecord/notKept`` says
        /// why not.
        case completed
        /// The job went to the error queue; ``JobResultRecord/error`` says why.
        case failed
        /// The job was past its TTL and was dropped without running.
        case expired
        /// The body discarded the job (``JobControl/discard(_:)``); ``JobResultRecord/reason`` says why.
        case discarded
    }

    /// Why a completed job's value was not kept.
    public enum NotKept: Sendable, Equatable {
        /// The value's JSON was larger than the consumer's result limit.
        case tooLarge(size: Int, limit: Int)
        /// The value could not be encoded as JSON.
        case notEncodable(reason: String)
        /// The consumer that ran the job registered it as a job that returns nothing.
        case noValue
    }

    /// A failure whose Swift error type the job registered as a ``CodableJobError``: its stored name and JSON.
    public struct TypedError: Sendable, Equatable {
        /// The error type's ``CodableJobError/storedName``.
        public var name: String
        /// The error value as JSON.
        public var valueJSON: [UInt8]

        /// Creates a typed error.
        public init(name: String, valueJSON: [UInt8]) {
            self.name = name
            self.valueJSON = valueJSON
        }
    }

    /// The job id.
    public var id: String
    /// The job name.
    public var name: String
    /// The group.
    public var group: String
    /// The terminal state.
    public var state: State
    /// When the job reached it (epoch ms, the consumer's clock).
    public var finishedAt: Int64
    /// The returned value's JSON (``State/completed`` only; `nil` when not kept).
    public var valueJSON: [UInt8]?
    /// Why the value of a completed job was not kept.
    public var notKept: NotKept?
    /// The error record of a failed job.
    public var error: ErrorRecord?
    /// The failure as the job's own error type, when registered (``JobOptions/resultErrors``).
    public var typedError: TypedError?
    /// The reason a discarded job gave.
    public var reason: String?

    /// Creates a record.
    public init(
        id: String, name: String, group: String, state: State, finishedAt: Int64, valueJSON: [UInt8]? = nil,
        notKept: NotKept? = nil, error: ErrorRecord? = nil, typedError: TypedError? = nil, reason: String? = nil
    ) {
        self.id = id
        self.name = name
        self.group = group
        self.state = state
        self.finishedAt = finishedAt
        self.valueJSON = valueJSON
        self.notKept = notKept
        self.error = error
        self.typedError = typedError
        self.reason = reason
    }
}
