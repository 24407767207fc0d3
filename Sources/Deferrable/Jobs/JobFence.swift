/// Identifies one run of a job, for fencing writes in downstream systems.
///
/// A run's lease can be lost while its body still runs (its consumer stalled and another consumer took the job over):
/// the run is then cancelled, but writes it already sent may arrive after those of the run that replaced it. Pass the
/// fence along with such writes and have the downstream system reject a fence older than one it has seen for the
/// same job id: a later run never has a lower ``attempt``, and two runs never share a ``leaseToken``.
public struct JobFence: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The run's attempt (``JobContext/attempt``): 1 for the first run, higher for retries and for runs after a lapsed
    /// lease. A run handed back (worker shutdown) keeps its attempt, so the run after it has the same one.
    public let attempt: Int
    /// The token of the lease this run holds, unique to the run (opaque; compare for equality only).
    public let leaseToken: String

    /// Creates a fence.
    public init(attempt: Int, leaseToken: String) {
        self.attempt = attempt
        self.leaseToken = leaseToken
    }

    /// `attempt:leaseToken`.
    public var description: String { "\(attempt):\(leaseToken)" }
}
