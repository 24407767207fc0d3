// swift-format-ignore-file: AlwaysUseLowerCamelCase
// The wire types name their properties as SQS names its JSON members.

/// `ReceiveMessage`, `ChangeMessageVisibility` and `DeleteMessage`.
extension SQSClient {
    /// A received message, hidden from other receivers until its visibility timeout passes.
    struct ReceivedMessage: Sendable, Hashable {
        let messageID: String
        /// What deletes the message or changes its visibility (valid for this receipt only).
        let receiptHandle: String
        let body: String
        /// How many times SQS has handed the message out, this time included (1 or more).
        let receiveCount: Int
        /// When the message was sent, in milliseconds since 1970 (SQS's clock).
        let sentMilliseconds: Int64?
        /// Its string message attributes.
        var attributes: [String: String] = [:]
    }

    private struct ReceiveInput: Encodable, Sendable {
        let QueueUrl: String
        let MaxNumberOfMessages: Int
        let VisibilityTimeout: Int
        let WaitTimeSeconds: Int
        let AttributeNames: [String]
        let MessageSystemAttributeNames: [String]
        let MessageAttributeNames: [String]
    }

    private struct ReceiveOutput: Decodable, Sendable {
        struct Message: Decodable, Sendable {
            let MessageId: String
            let ReceiptHandle: String
            let Body: String
            var Attributes: [String: String]?
            var MessageAttributes: [String: AttributeValue]?
        }

        var Messages: [Message]?
    }

    private struct VisibilityInput: Encodable, Sendable {
        let QueueUrl: String
        let ReceiptHandle: String
        let VisibilityTimeout: Int
    }

    private struct DeleteInput: Encodable, Sendable {
        let QueueUrl: String
        let ReceiptHandle: String
    }

    /// Receives up to `limit` (1 to 10) messages of the queue at `url`, each hidden for `visibilitySeconds`;
    /// waits up to `waitSeconds` (0 to 20) for one to arrive (long polling).
    func receive(from url: String, limit: Int, visibilitySeconds: Int, waitSeconds: Int) async throws -> [ReceivedMessage] {
        let names = ["ApproximateReceiveCount", "SentTimestamp"]
        let input = ReceiveInput(
            QueueUrl: url, MaxNumberOfMessages: min(max(limit, 1), 10), VisibilityTimeout: visibilitySeconds,
            WaitTimeSeconds: min(max(waitSeconds, 0), 20), AttributeNames: names, MessageSystemAttributeNames: names,
            MessageAttributeNames: ["All"])
        let output = try await call(
            "ReceiveMessage", input, as: ReceiveOutput.self, waiting: .seconds(input.WaitTimeSeconds))
        return try (output.Messages ?? []).map { message in
            let attributes = message.Attributes ?? [:]
            guard let count = attributes["ApproximateReceiveCount"].flatMap(Int.init), count >= 1 else {
                throw SQSError.invalidResponse(
                    operation: "ReceiveMessage", reason: "message \(message.MessageId) has no ApproximateReceiveCount")
            }
            return ReceivedMessage(
                messageID: message.MessageId, receiptHandle: message.ReceiptHandle, body: message.Body,
                receiveCount: count, sentMilliseconds: attributes["SentTimestamp"].flatMap { Int64($0) },
                attributes: (message.MessageAttributes ?? [:]).compactMapValues(\.StringValue))
        }
    }

    /// Hides the received message for `seconds` (0 to 43,200) from now: 0 makes it visible again at once.
    func changeVisibility(of receiptHandle: String, in url: String, seconds: Int) async throws {
        let input = VisibilityInput(QueueUrl: url, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds)
        _ = try await call("ChangeMessageVisibility", input, as: SQSNoOutput.self)
    }

    /// Deletes the received message.
    func delete(_ receiptHandle: String, in url: String) async throws {
        _ = try await call("DeleteMessage", DeleteInput(QueueUrl: url, ReceiptHandle: receiptHandle), as: SQSNoOutput.self)
    }
}
