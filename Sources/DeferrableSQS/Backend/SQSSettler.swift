import Deferrable

/// Settles one leased job on SQS, so that a crash or a lost reply part-way duplicates a job rather than loses it, and a
/// repeat with the same receipt handle finishes what the failed call began (see ``SQSSettlementMemo``).
struct SQSSettler: Sendable {
    let client: SQSClient
    let memo: SQSSettlementMemo
    let job: LeasedJob
    let queue: SQSQueueDirectory.Queue

    /// How long the message stays hidden while its replacement is sent (checking the lease on the way).
    static let holdSecondsWhileReplacing = 60

    private var receiptHandle: String { job.leaseToken }

    /// Deletes the message: `true` when it was deleted, or when a repeat finds it gone after an earlier delete whose
    /// reply was lost; `false` when the lease was lost.
    func delete() async throws -> Bool {
        let repeated = memo.progress(of: receiptHandle) != nil
        memo.record(.deleteInDoubt, for: receiptHandle)
        do {
            try await client.delete(receiptHandle, in: queue.url)
        } catch  where SQSClient.isLostLease(error) {
            memo.forget(receiptHandle)
            return repeated
        }
        memo.forget(receiptHandle)
        return true
    }

    /// Checks the lease (hiding the message a little longer), sends `message` to the queue at `url`, then deletes the
    /// held message. `false`, with nothing sent, when the lease was lost.
    func replace(with message: SQSClient.OutgoingMessage, on url: String) async throws -> Bool {
        if memo.progress(of: receiptHandle) != .sent {
            do {
                try await client.changeVisibility(of: receiptHandle, in: queue.url, seconds: Self.holdSecondsWhileReplacing)
            } catch  where SQSClient.isVisibilityLimit(error) {
                // Near SQS's 12 hours the hold cannot be granted, but the lease is still held: go on.
            } catch  where SQSClient.isLostLease(error) {
                return false
            }
            _ = try await client.send(message, to: url)
            memo.record(.sent, for: receiptHandle)
        }
        try await client.deleteIfPresent(receiptHandle, in: queue.url)
        memo.forget(receiptHandle)
        return true
    }
}
