/// The bounds a ``WorkerDirectory`` checks before it stores a heartbeat, so that a directory stays bounded whoever
/// writes to it.
extension WorkerHeartbeat {
    /// The longest worker id, in UTF-8 bytes.
    public static let maxIDLength = 128
    /// The longest host name, in UTF-8 bytes.
    public static let maxHostLength = 255
    /// The most groups a heartbeat lists.
    public static let maxListedGroups = 1000
    /// The most heartbeats a ``WorkerDirectory`` keeps per group: a beat of one more worker drops the heartbeat that
    /// expires first.
    public static let maxWorkersPerGroup = 1000
    /// The longest time a heartbeat can stay listed without a new beat: one day, in milliseconds.
    public static let maxExpiresAfterMillis: Int64 = 86_400_000

    /// Throws ``DeferrableError/invalidWorkerHeartbeat(id:reason:)`` unless the id is 1 to ``maxIDLength`` bytes
    /// without control characters, the host at most ``maxHostLength`` bytes, the counts are not negative, at most
    /// ``maxListedJobs`` job ids and ``maxListedGroups`` groups are listed, and ``expiresAfterMillis`` is 1 to
    /// ``maxExpiresAfterMillis``.
    public func validate() throws(DeferrableError) {
        func invalid(_ reason: String) -> DeferrableError { .invalidWorkerHeartbeat(id: id, reason: reason) }
        guard !id.isEmpty, id.utf8.count <= Self.maxIDLength else {
            throw invalid("the id must be 1 to \(Self.maxIDLength) bytes long")
        }
        guard !id.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { throw invalid("the id contains a control character") }
        guard host.utf8.count <= Self.maxHostLength else { throw invalid("the host is longer than \(Self.maxHostLength) bytes") }
        guard concurrency >= 0, busySlots >= 0 else { throw invalid("concurrency and busy slots cannot be negative") }
        guard jobIDs.count <= Self.maxListedJobs else { throw invalid("it lists more than \(Self.maxListedJobs) job ids") }
        guard groups.count <= Self.maxListedGroups else { throw invalid("it lists more than \(Self.maxListedGroups) groups") }
        guard expiresAfterMillis >= 1, expiresAfterMillis <= Self.maxExpiresAfterMillis else {
            throw invalid("expiresAfterMillis must be 1 to \(Self.maxExpiresAfterMillis)")
        }
    }

    /// Orders heartbeats as ``WorkerDirectory/workers()`` lists them: by host, then start time, then id.
    public static func listingOrder(_ lhs: WorkerHeartbeat, _ rhs: WorkerHeartbeat) -> Bool {
        (lhs.host, lhs.startedMillis, lhs.id) < (rhs.host, rhs.startedMillis, rhs.id)
    }
}
