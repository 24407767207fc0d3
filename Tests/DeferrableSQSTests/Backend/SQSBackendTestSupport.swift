import Deferrable
import Foundation

@testable import DeferrableSQS

/// Factories on the emulator for the backend tests, each with a queue prefix of its own.
enum SQSBackendTestFactory {
    static let credentials = try! AWSCredentials(accessKeyID: "AKIDTESTING", secretAccessKey: "testing-secret")

    /// A factory on `endpoint` (the emulator unless given) whose queues no other test uses.
    static func make(
        endpoint: String? = nil, settings: SQSBackendSettings = SQSBackendSettings()
    ) throws -> SQSBackendFactory {
        try SQSBackendFactory(
            region: "us-east-1", credentials: credentials, endpoint: endpoint ?? SQSTestEndpoint.url ?? "http://127.0.0.1:1",
            queuePrefix: "b\(UInt32.random(in: 0...UInt32.max))", settings: settings)
    }

    /// Runs `body` with a fresh factory and closes it afterwards.
    static func with<T>(
        endpoint: String? = nil, settings: SQSBackendSettings = SQSBackendSettings(),
        _ body: (SQSBackendFactory) async throws -> T
    ) async throws -> T {
        let factory = try make(endpoint: endpoint, settings: settings)
        do {
            let value = try await body(factory)
            await factory.close()
            return value
        } catch {
            await factory.close()
            throw error
        }
    }
}
