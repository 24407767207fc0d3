// swift-format-ignore-file: AlwaysUseLowerCamelCase
// The wire types name their properties as SQS names its JSON members.

/// `CreateQueue`, `GetQueueUrl`, `GetQueueAttributes` and `PurgeQueue`.
extension SQSClient {
    private struct QueueName: Encodable, Sendable {
        let QueueName: String
        var Attributes: [String: String]?
    }

    private struct QueueURLOutput: Decodable, Sendable {
        let QueueUrl: String
    }

    private struct QueueURL: Encodable, Sendable {
        let QueueUrl: String
    }

    private struct AttributesInput: Encodable, Sendable {
        let QueueUrl: String
        let AttributeNames: [String]
    }

    private struct AttributesOutput: Decodable, Sendable {
        var Attributes: [String: String]?
    }

    /// Creates the queue `name` with `attributes`, or finds it when it exists with the same attributes.
    /// - Returns: its URL.
    func createQueue(_ name: String, attributes: [String: String]) async throws -> String {
        try await call("CreateQueue", QueueName(QueueName: name, Attributes: attributes), as: QueueURLOutput.self).QueueUrl
    }

    /// The URL of the existing queue `name`.
    /// - Throws: ``SQSError/service(operation:code:message:status:)`` with code `QueueDoesNotExist` when it does not.
    func queueURL(_ name: String) async throws -> String {
        try await call("GetQueueUrl", QueueName(QueueName: name), as: QueueURLOutput.self).QueueUrl
    }

    /// The attributes `names` of the queue at `url`.
    func attributes(_ names: [String], of url: String) async throws -> [String: String] {
        try await call("GetQueueAttributes", AttributesInput(QueueUrl: url, AttributeNames: names), as: AttributesOutput.self)
            .Attributes ?? [:]
    }

    /// Deletes every message of the queue at `url`.
    func purge(_ url: String) async throws {
        _ = try await call("PurgeQueue", QueueURL(QueueUrl: url), as: SQSNoOutput.self)
    }
}
