import DeferrableTestSupport
import Testing

@testable import DeferrableSQS

/// The SQS operations against moto's SQS emulator.
@Suite("SQS client against the emulator", .enabled(if: SQSTestEndpoint.url != nil, "needs SQS_ENDPOINT"))
struct SQSClientTests {
    @Test("CreateQueue is idempotent and GetQueueUrl finds the queue; a missing queue is QueueDoesNotExist")
    func queues() async throws {
        let client = try SQSTestEndpoint.client()
        let name = SQSTestEndpoint.uniqueQueueName("queues")
        let url = try await client.createQueue(name, attributes: ["VisibilityTimeout": "30"])
        #expect(try await client.createQueue(name, attributes: ["VisibilityTimeout": "30"]) == url)
        #expect(try await client.queueURL(name) == url)
        let error = try await #require(throws: SQSError.self) { try await client.queueURL(name + "-missing") }
        #expect(error.code == "QueueDoesNotExist")
        guard case .service(let operation, _, let message, let status) = error else {
            Issue.record("expected a service error, got \(error)")
            return
        }
        #expect(operation == "GetQueueUrl")
        #expect(status == 400)
        #expect(!message.isEmpty)
    }

    @Test("a sent message is received with its receive count, hidden, handed out again, and deleted")
    func sendReceiveDelete() async throws {
        let client = try SQSTestEndpoint.client()
        let url = try await client.createQueue(SQSTestEndpoint.uniqueQueueName("round-trip"), attributes: [:])
        let id = try await client.send(.init(body: #"{"job":"hello"}"#, delaySeconds: 0), to: url)
        let first = try await client.receive(from: url, limit: 10, visibilitySeconds: 60, waitSeconds: 5)
        #expect(first.map(\.body) == [#"{"job":"hello"}"#])
        #expect(first.first?.messageID == id)
        #expect(first.first?.receiveCount == 1)
        #expect(first.first?.sentMilliseconds != nil)
        // Hidden for its visibility timeout: nobody else receives it.
        #expect(try await client.receive(from: url, limit: 10, visibilitySeconds: 60, waitSeconds: 0).isEmpty)
        let handle = try #require(first.first?.receiptHandle)
        try await client.changeVisibility(of: handle, in: url, seconds: 0)
        let again = try await client.receive(from: url, limit: 10, visibilitySeconds: 60, waitSeconds: 5)
        #expect(again.first?.receiveCount == 2)
        try await client.delete(try #require(again.first?.receiptHandle), in: url)
        #expect(try await client.receive(from: url, limit: 10, visibilitySeconds: 60, waitSeconds: 0).isEmpty)
    }

    @Test("a batch of ten is sent in one call and every message arrives; the queue's counts follow")
    func batch() async throws {
        let client = try SQSTestEndpoint.client()
        let url = try await client.createQueue(SQSTestEndpoint.uniqueQueueName("batch"), attributes: [:])
        let messages = (0..<SQSClient.batchLimit).map { SQSClient.OutgoingMessage(body: "m\($0)", delaySeconds: 0) }
        #expect(try await client.send(batch: messages, to: url).isEmpty)
        let counts = try await client.attributes(["ApproximateNumberOfMessages"], of: url)
        #expect(counts["ApproximateNumberOfMessages"] == "10")
        var bodies: Set<String> = []
        for _ in 0..<10 where bodies.count < 10 {
            let received = try await client.receive(from: url, limit: 10, visibilitySeconds: 60, waitSeconds: 1)
            bodies.formUnion(received.map(\.body))
        }
        #expect(bodies == Set(messages.map(\.body)))
        try await client.purge(url)
    }

    @Test("a delayed message is not received before its delay")
    func delayed() async throws {
        let client = try SQSTestEndpoint.client()
        let url = try await client.createQueue(SQSTestEndpoint.uniqueQueueName("delayed"), attributes: [:])
        _ = try await client.send(.init(body: "later", delaySeconds: 600), to: url)
        #expect(try await client.receive(from: url, limit: 10, visibilitySeconds: 60, waitSeconds: 0).isEmpty)
        let counts = try await client.attributes(["ApproximateNumberOfMessagesDelayed"], of: url)
        #expect(counts["ApproximateNumberOfMessagesDelayed"] == "1")
    }
}
