/// Read-only views of one group's main queue, for dashboards and the CLI. Every call does bounded work.
public protocol QueueInspector: Sendable {
    /// Up to `limit` runnable jobs in the order they will be taken, skipping the first `offset`. `limit` is clamped to
    /// `0 ... 1000`.
    func peekReady(offset: Int, limit: Int) async throws -> [PeekedJob]
    /// How long the oldest runnable job has been runnable (`nil` when none is): the group's queue latency.
    func oldestRunnableAge() async throws -> Duration?
}

/// A queued job as an inspector shows it: its id and the payload as stored (possibly malformed).
public struct PeekedJob: Sendable, Hashable {
    /// The job id.
    public var id: String
    /// The stored payload.
    public var payload: [UInt8]
    /// The envelope, when the payload decodes.
    public var envelope: JobEnvelope? { try? EnvelopeCodec.decode(payload) }

    /// Creates a peeked job.
    public init(id: String, payload: [UInt8]) {
        self.id = id
        self.payload = payload
    }
}

/// A backend factory that can list the groups its store holds (groups that were used: pushed to, consumed, or holding
/// errors).
public protocol GroupCatalog: Sendable {
    /// The known group names, sorted.
    func knownGroups() async throws -> [String]
}
