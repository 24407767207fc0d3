import Deferrable
import DeferrableSQS

/// The SQS factories the behaviour suites share: one per error queue limits (each holds a pool of connections, kept
/// for the whole run).
actor SharedSQSFactories {
    static let shared = SharedSQSFactories()

    private var factories: [ErrorQueueLimits: SQSBackendFactory] = [:]

    func factory(endpoint: String, errorQueueLimits: ErrorQueueLimits) throws -> SQSBackendFactory {
        if let made = factories[errorQueueLimits] { return made }
        // The emulator checks the signature's form, not the key.
        let factory = try SQSBackendFactory(
            region: "us-east-1", credentials: AWSCredentials(accessKeyID: "AKIDTESTING", secretAccessKey: "testing-secret"),
            endpoint: endpoint, queuePrefix: "bt", settings: SQSBackendSettings(errorQueueLimits: errorQueueLimits))
        factories[errorQueueLimits] = factory
        return factory
    }
}
