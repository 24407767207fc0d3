// swift-format-ignore-file: AlwaysUseLowerCamelCase
// The wire types name their properties as SQS names its JSON members.

/// `SendMessage` and `SendMessageBatch`.
extension SQSClient {
    /// A message to send: its body, the seconds SQS holds it before it can be received (0 to 900), and string
    /// message attributes.
    struct OutgoingMessage: Sendable, Hashable {
        let body: String
        let delaySeconds: Int
        var attributes: [String: String] = [:]
    }

    /// A message attribute as the JSON protocol carries it (only the `String` data type is used).
    struct AttributeValue: Codable, Sendable, Hashable {
        var DataType: String
        var StringValue: String?

        init(string: String) {
            DataType = "String"
            StringValue = string
        }

        static func wire(_ attributes: [String: String]) -> [String: AttributeValue]? {
            attributes.isEmpty ? nil : attributes.mapValues { AttributeValue(string: $0) }
        }
    }

    /// A message of a batch that SQS refused.
    struct BatchRefusal: Sendable, Hashable {
        /// Its position in the batch.
        let index: Int
        let code: String
        let message: String
        /// `true` when the message itself is at fault (sending it again will not help).
        let senderFault: Bool
    }

    private struct SendInput: Encodable, Sendable {
        let QueueUrl: String
        let MessageBody: String
        let DelaySeconds: Int
        let MessageAttributes: [String: AttributeValue]?
    }

    private struct SendOutput: Decodable, Sendable {
        let MessageId: String
    }

    private struct BatchInput: Encodable, Sendable {
        struct Entry: Encodable, Sendable {
            let Id: String
            let MessageBody: String
            let DelaySeconds: Int
            let MessageAttributes: [String: AttributeValue]?
        }

        let QueueUrl: String
        let Entries: [Entry]
    }

    private struct BatchOutput: Decodable, Sendable {
        struct Failure: Decodable, Sendable {
            let Id: String
            let Code: String
            var Message: String?
            var SenderFault: Bool?
        }

        var Failed: [Failure]?
    }

    /// SQS's limit of messages per batch.
    static let batchLimit = 10

    /// Sends `message` to the queue at `url`.
    /// - Returns: the message id SQS gave it.
    func send(_ message: OutgoingMessage, to url: String) async throws -> String {
        let input = SendInput(
            QueueUrl: url, MessageBody: message.body, DelaySeconds: message.delaySeconds,
            MessageAttributes: AttributeValue.wire(message.attributes))
        return try await call("SendMessage", input, as: SendOutput.self).MessageId
    }

    /// Sends up to ``batchLimit`` messages to the queue at `url` in one request.
    /// - Returns: the messages SQS refused (the others were sent).
    func send(batch messages: [OutgoingMessage], to url: String) async throws -> [BatchRefusal] {
        precondition(messages.count <= Self.batchLimit, "a batch holds at most \(Self.batchLimit) messages")
        let entries = messages.enumerated().map { index, message in
            BatchInput.Entry(
                Id: "m\(index)", MessageBody: message.body, DelaySeconds: message.delaySeconds,
                MessageAttributes: AttributeValue.wire(message.attributes))
        }
        let output = try await call("SendMessageBatch", BatchInput(QueueUrl: url, Entries: entries), as: BatchOutput.self)
        return try (output.Failed ?? []).map { failure in
            guard failure.Id.hasPrefix("m"), let index = Int(failure.Id.dropFirst()), messages.indices.contains(index) else {
                throw SQSError.invalidResponse(operation: "SendMessageBatch", reason: "unknown entry id '\(failure.Id)'")
            }
            return BatchRefusal(
                index: index, code: failure.Code, message: failure.Message ?? "", senderFault: failure.SenderFault ?? false)
        }
    }
}
