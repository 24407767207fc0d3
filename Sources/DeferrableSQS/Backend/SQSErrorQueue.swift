import Deferrable

/// The error queue of a group on SQS: one message per failed job, the payload as its body and the error record in
/// its attributes.
///
/// SQS has no index: `list`, `entry`, `requeue` and `remove` receive the whole queue (hiding each message for a
/// moment), then make the messages they keep visible again, so their cost grows with the queue, and two of them at
/// once may each miss what the other holds. `count` is SQS's approximate count. Entries older than the limits'
/// `maxAge` expire through the queue's retention period; the count limit is not enforced.
struct SQSErrorQueue: ErrorQueue {
    let group: SQSGroup

    private var client: SQSClient { group.client }

    func list(offset: Int, limit: Int) async throws -> [DeadJob] {
        let scan = try await SQSQueueScan.take(from: try await group.errorQueue(), client: client)
        await scan.release()
        let sorted = scan.entries.sorted { ($0.job.error.at, $0.sentMillis) < ($1.job.error.at, $1.sentMillis) }
        return Array(sorted.dropFirst(max(0, offset)).prefix(max(0, limit)).map(\.job))
    }

    func entry(id: String) async throws -> DeadJob? {
        let scan = try await SQSQueueScan.take(from: try await group.errorQueue(), client: client)
        await scan.release()
        return scan.entries.first { $0.job.id == id }?.job
    }

    func count() async throws -> Int {
        let counts = try await client.attributes(
            ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"], of: try await group.errorQueue().url)
        return counts.values.reduce(0) { $0.addingSaturated(max(0, Int($1) ?? 0)) }
    }

    /// Sends `job` to the main queue, then deletes the entry (a crash in between leaves both).
    func requeue(id: String, as job: OutgoingJob) async throws -> Bool {
        try SQSJobQueue.validate(id: job.id)  // before the scan, which a refused push would waste
        let scan = try await SQSQueueScan.take(from: try await group.errorQueue(), client: client)
        guard let entry = scan.entries.first(where: { $0.job.id == id }) else {
            await scan.release()
            return false
        }
        await scan.release(keeping: entry.receiptHandle)
        try await SQSJobQueue(group: group).push(job)
        try await scan.delete(entry.receiptHandle)
        return true
    }

    func remove(id: String) async throws -> Bool {
        let scan = try await SQSQueueScan.take(from: try await group.errorQueue(), client: client)
        let entry = scan.entries.first { $0.job.id == id }
        await scan.release(keeping: entry?.receiptHandle)
        guard let entry else { return false }
        try await scan.delete(entry.receiptHandle)
        return true
    }

    /// Receives and deletes every visible entry; returns how many were deleted.
    func purge() async throws -> Int {
        let scan = try await SQSQueueScan.take(from: try await group.errorQueue(), client: client)
        for entry in scan.entries { try await scan.delete(entry.receiptHandle) }
        return scan.entries.count
    }
}
