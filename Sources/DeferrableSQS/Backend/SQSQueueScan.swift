import Deferrable

/// Every visible message of a queue, received (so hidden for ``holdSeconds``) to be read, deleted or made visible
/// again.
struct SQSQueueScan: Sendable {
    struct Entry: Sendable {
        let job: DeadJob
        let receiptHandle: String
        let sentMillis: Int64
    }

    /// How long each message stays hidden while a scan holds it.
    static let holdSeconds = 30
    /// The most messages one scan takes.
    static let maximumMessages = 100_000

    let client: SQSClient
    let url: String
    let entries: [Entry]

    /// How long a scan may receive: well within ``holdSeconds``, so the first messages it took are still hidden (and
    /// their receipt handles current) when it ends.
    static let maximumScanDuration = Duration.seconds(20)

    /// Receives until SQS has no more visible messages for a one-second long poll, a receive brings only messages
    /// already taken, ``maximumMessages`` are taken, or ``maximumScanDuration`` has passed.
    static func take(from queue: SQSQueueDirectory.Queue, client: SQSClient) async throws -> SQSQueueScan {
        var entries: [Entry] = []
        var index: [String: Int] = [:]
        let deadline = ContinuousClock.now + maximumScanDuration
        while entries.count < maximumMessages, ContinuousClock.now < deadline {
            let received = try await client.receive(
                from: queue.url, limit: SQSClient.batchLimit, visibilitySeconds: holdSeconds, waitSeconds: 1)
            var new = false
            for message in received {
                if let known = index[message.messageID] {
                    // Received again: only the newest receipt handle is current.
                    entries[known] = entry(message)
                } else {
                    index[message.messageID] = entries.count
                    entries.append(entry(message))
                    new = true
                }
            }
            if !new { break }
        }
        return SQSQueueScan(client: client, url: queue.url, entries: entries)
    }

    private static func entry(_ message: SQSClient.ReceivedMessage) -> Entry {
        let decoded = SQSJobMessage.decode(message)
        let sent = message.sentMilliseconds ?? 0
        let error =
            decoded.error
            ?? ErrorRecord(type: "Unknown", message: "the message carries no error record", attempts: 0, host: "", at: sent)
        return Entry(
            job: DeadJob(id: decoded.id, payload: decoded.payload, error: error), receiptHandle: message.receiptHandle,
            sentMillis: sent)
    }

    /// Makes every scanned message but `kept` visible again at once. Best effort: a message it cannot release becomes
    /// visible when its hold ends.
    func release(keeping kept: String? = nil) async {
        await withTaskGroup(of: Void.self) { tasks in
            var running = 0
            for entry in entries where entry.receiptHandle != kept {
                if running == SQSClient.batchLimit {
                    await tasks.next()
                    running -= 1
                }
                tasks.addTask { [client, url] in
                    try? await client.changeVisibility(of: entry.receiptHandle, in: url, seconds: 0)
                }
                running += 1
            }
        }
    }

    /// Deletes a scanned message; one that is already gone counts as deleted.
    func delete(_ receiptHandle: String) async throws {
        try await client.deleteIfPresent(receiptHandle, in: url)
    }
}
