import DeferrableTestSupport
import NIOHTTP1
import Testing

@testable import DeferrableSQS

/// Throttling and server errors are retried; other errors and unreachable endpoints end in a typed error.
@Suite("SQS client retries")
struct SQSRetryTests {
    private static let queueURL = #"{"QueueUrl": "http://127.0.0.1/123456789012/q"}"#
    private static let throttled = #"{"__type": "com.amazonaws.sqs#ThrottlingException", "message": "Rate exceeded"}"#

    @Test("503 and a throttling answer are retried until the request succeeds")
    func retriedUntilSuccess() async throws {
        let server = try await ScriptedHTTPServer.start([
            .init(status: .serviceUnavailable, body: ""), .init(status: .badRequest, body: Self.throttled),
            .init(status: .ok, body: Self.queueURL),
        ])
        let client = try SQSTestEndpoint.client(
            url: "http://127.0.0.1:\(server.port)", retry: SQSRetryPolicy(base: .milliseconds(1), cap: .milliseconds(5)))
        let url = try await within(.seconds(20), "the retried request") { try await client.queueURL("q") }
        #expect(url == "http://127.0.0.1/123456789012/q")
        #expect(server.served == 3)
        try await server.stop()
    }

    @Test("throttling beyond the attempts ends in the service error; a client error is not retried")
    func givesUp() async throws {
        let server = try await ScriptedHTTPServer.start([.init(status: .badRequest, body: Self.throttled)])
        let client = try SQSTestEndpoint.client(
            url: "http://127.0.0.1:\(server.port)",
            retry: SQSRetryPolicy(maxAttempts: 3, base: .milliseconds(1), cap: .milliseconds(5)))
        let error = try await #require(throws: SQSError.self) { try await client.queueURL("q") }
        #expect(error.code == "ThrottlingException")
        #expect(server.served == 3)
        try await server.stop()

        let missing = #"{"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "no such queue"}"#
        let refusing = try await ScriptedHTTPServer.start([.init(status: .badRequest, body: missing)])
        let other = try SQSTestEndpoint.client(url: "http://127.0.0.1:\(refusing.port)")
        await #expect(throws: SQSError.service(operation: "GetQueueUrl", code: "QueueDoesNotExist", message: "no such queue", status: 400))
        {
            try await other.queueURL("q")
        }
        #expect(refusing.served == 1)
        try await refusing.stop()
    }

    @Test("an answer that is not SQS's JSON is a typed error, not a crash")
    func unreadable() async throws {
        let server = try await ScriptedHTTPServer.start([.init(status: .ok, body: "<html>not json</html>")])
        let client = try SQSTestEndpoint.client(url: "http://127.0.0.1:\(server.port)")
        let error = try await #require(throws: SQSError.self) { try await client.queueURL("q") }
        guard case .invalidResponse(let operation, _) = error else {
            Issue.record("expected invalidResponse, got \(error)")
            return
        }
        #expect(operation == "GetQueueUrl")
        try await server.stop()
    }

    @Test("a closed port ends in a transport error after the attempts, within its bound")
    func unreachable() async throws {
        let closed = try await ScriptedHTTPServer.start([])
        let port = closed.port
        try await closed.stop()
        let client = try SQSTestEndpoint.client(
            url: "http://127.0.0.1:\(port)", retry: SQSRetryPolicy(maxAttempts: 2, base: .milliseconds(1)),
            timeout: .seconds(5))
        let error = try await #require(throws: SQSError.self) {
            try await within(.seconds(30), "the unreachable endpoint's error") { try await client.queueURL("q") }
        }
        guard case .transport(let operation, _) = error else {
            Issue.record("expected a transport error, got \(error)")
            return
        }
        #expect(operation == "GetQueueUrl")
    }

    @Test(
        "endpoints and regions that cannot work are refused",
        arguments: [
            ("us-east-1", "ftp://host"), ("us-east-1", "http://"), ("us-east-1", "http://host:0"),
            ("us-east-1", "http://host:70000"), ("us-east-1", "http://host/path"), ("US East", "http://host"),
            ("", "http://host"),
        ])
    func invalidEndpoints(region: String, url: String) {
        #expect(throws: SQSError.self) { try SQSEndpoint(region: region, url: url) }
    }

    @Test("the endpoint's Host header carries a port only when it is not the scheme's default")
    func hostHeader() throws {
        #expect(try SQSEndpoint(region: "eu-west-1").url == "https://sqs.eu-west-1.amazonaws.com/")
        #expect(try SQSEndpoint(region: "eu-west-1").hostHeader == "sqs.eu-west-1.amazonaws.com")
        #expect(try SQSEndpoint(region: "us-east-1", url: "http://127.0.0.1:5000/").hostHeader == "127.0.0.1:5000")
        #expect(try SQSEndpoint(region: "us-east-1", url: "https://h:443").hostHeader == "h")
    }

    @Test("the backoff grows by doubling up to its cap, and the policy's values are clamped")
    func backoff() {
        let policy = SQSRetryPolicy(maxAttempts: 99, base: .milliseconds(50), cap: .seconds(1))
        #expect(policy.maxAttempts == 20)
        #expect(
            (1...6).map { policy.ceiling(after: $0) } == [
                .milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1),
            ])
        #expect(policy.ceiling(after: 1_000) == .seconds(1))
        #expect(SQSRetryPolicy(maxAttempts: -3).maxAttempts == 1)
    }
}
