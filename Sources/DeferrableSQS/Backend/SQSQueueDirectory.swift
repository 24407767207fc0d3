import Synchronization

/// Finds (or creates) queues by name once, and remembers their URL and message size limit. Concurrent first uses of
/// one queue share one lookup; a failed lookup is forgotten, so the next use tries again.
final class SQSQueueDirectory: Sendable {
    /// A queue ready for use.
    struct Queue: Sendable {
        let url: String
        /// The largest message it accepts, body and attributes.
        let maximumMessageBytes: Int
    }

    /// SQS's default and range of `MaximumMessageSize`.
    static let defaultMaximumMessageBytes = 262_144
    static let messageSizeRange = 1024...1_048_576
    /// The longest retention period SQS allows: 14 days.
    static let maximumRetentionSeconds = 1_209_600

    private let client: SQSClient
    private let settings: SQSBackendSettings
    private let lookups = Mutex<[String: Task<Queue, any Error>]>([:])

    init(client: SQSClient, settings: SQSBackendSettings) {
        self.client = client
        self.settings = settings
    }

    /// The queue `name`, created with `attributes` when the settings allow it and it does not exist. A queue that
    /// exists with other attributes is used as it is.
    func queue(named name: String, attributes: [String: String]) async throws -> Queue {
        let task = lookups.withLock { lookups in
            if let task = lookups[name] { return task }
            let task = Task { [client, settings] in
                try await Self.lookUp(name, attributes: attributes, client: client, settings: settings)
            }
            lookups[name] = task
            return task
        }
        do {
            return try await task.value
        } catch {
            lookups.withLock { lookups in
                if lookups[name] == task { lookups[name] = nil }
            }
            throw error
        }
    }

    private static func lookUp(
        _ name: String, attributes: [String: String], client: SQSClient, settings: SQSBackendSettings
    ) async throws -> Queue {
        let url: String
        if settings.createsQueues {
            do {
                url = try await client.createQueue(name, attributes: attributes)
            } catch let error as SQSError where error.code.map(Self.isNameTaken) == true {
                url = try await client.queueURL(name)
            }
        } else {
            url = try await client.queueURL(name)
        }
        if let limit = settings.maximumMessageBytes { return Queue(url: url, maximumMessageBytes: limit) }
        let read = try await client.attributes(["MaximumMessageSize"], of: url)["MaximumMessageSize"].flatMap { Int($0) }
        let limit = read.flatMap { messageSizeRange.contains($0) ? $0 : nil } ?? defaultMaximumMessageBytes
        return Queue(url: url, maximumMessageBytes: limit)
    }

    /// `CreateQueue` refuses a name that exists with other attributes with one of these codes.
    private static func isNameTaken(_ code: String) -> Bool {
        code.hasSuffix("QueueAlreadyExists") || code.hasSuffix("QueueNameExists")
    }
}
