import AsyncHTTPClient
import Foundation

@testable import DeferrableSQS

/// The SQS emulator the tests run against (`SQS_ENDPOINT`, started by scripts/test.sh).
enum SQSTestEndpoint {
    static var url: String? { ProcessInfo.processInfo.environment["SQS_ENDPOINT"] }

    /// A client of `url` (the emulator unless given).
    static func client(
        url: String? = nil, retry: SQSRetryPolicy = SQSRetryPolicy(), timeout: Duration = .seconds(10)
    ) throws -> SQSClient {
        let endpoint = try SQSEndpoint(region: "us-east-1", url: url ?? Self.url ?? "http://127.0.0.1:1")
        // The emulator checks the signature's form, not the key.
        let credentials = try AWSCredentials(accessKeyID: "AKIDTESTING", secretAccessKey: "testing-secret")
        return SQSClient(
            http: HTTPClient.shared, endpoint: endpoint, credentials: credentials, retry: retry, requestTimeout: timeout)
    }

    /// A queue name no other test uses.
    static func uniqueQueueName(_ prefix: String) -> String {
        "\(prefix)-\(UInt64.random(in: 0...UInt64.max))"
    }
}
