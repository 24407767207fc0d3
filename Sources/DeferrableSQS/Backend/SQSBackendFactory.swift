import AsyncHTTPClient
import Deferrable
import Foundation
import NIOCore

/// Makes the backends of groups on Amazon SQS (or an SQS-compatible endpoint): each group is a main queue
/// `<prefix>-<group>` and an error queue `<prefix>-<group>-errors`.
///
/// The factory owns a pool of HTTP connections: call ``close()`` when done with it. Queues are created (or found) on
/// first use, unless ``SQSBackendSettings/createsQueues`` is off.
public final class SQSBackendFactory: ConnectedBackendFactory {
    /// The longest SQS queue name.
    static let maximumQueueNameLength = 80
    static let errorQueueSuffix = "-errors"

    /// Where the requests go.
    public let endpoint: SQSEndpoint
    /// The first part of every queue name.
    public let queuePrefix: String
    public let settings: SQSBackendSettings

    private let http: HTTPClient
    fileprivate let client: SQSClient
    private let directory: SQSQueueDirectory

    /// Creates a factory.
    /// - Parameters:
    ///   - region: the AWS region (`eu-west-1`).
    ///   - credentials: the credentials that sign requests; `nil` reads them as the AWS tools do
    ///     (``AWSCredentials/standard(environment:)``).
    ///   - endpoint: a URL to use instead of the region's public endpoint (an emulator, a VPC endpoint).
    ///   - queuePrefix: the first part of every queue name: letters, digits, `-` and `_`.
    /// - Throws: ``SQSError/invalidEndpoint(_:)``, ``AWSCredentialsError`` when no credentials are found, or
    ///   ``SQSBackendError/invalidQueueName(_:reason:)``.
    public init(
        region: String,
        credentials: AWSCredentials? = nil,
        endpoint: String? = nil,
        queuePrefix: String = "deferrable",
        settings: SQSBackendSettings = SQSBackendSettings()
    ) throws {
        let endpoint = try endpoint.map { url throws(SQSError) in try SQSEndpoint(region: region, url: url) } ?? SQSEndpoint(region: region)
        try Self.validate(queueName: queuePrefix)
        guard settings.requestTimeout > .zero, settings.connectTimeout > .zero else {
            throw SQSBackendError.invalidSettings("the request and connect timeouts must be positive")
        }
        if let limit = settings.maximumMessageBytes, !SQSQueueDirectory.messageSizeRange.contains(limit) {
            throw SQSBackendError.invalidSettings("maximumMessageBytes must be 1024 to 1 MiB, SQS's range (got \(limit))")
        }
        let credentials = try credentials ?? AWSCredentials.standard(environment: ProcessInfo.processInfo.environment)
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .nanoseconds(max(1, settings.connectTimeout.wholeNanoseconds))
        // A server that is down fails the request with a transport error, retried by the retry policy, instead of the
        // pool trying to connect until the request's deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let client = SQSClient(
            http: http, endpoint: endpoint, credentials: credentials, retry: settings.retry, requestTimeout: settings.requestTimeout)
        self.endpoint = endpoint
        self.queuePrefix = queuePrefix
        self.settings = settings
        self.http = http
        self.client = client
        self.directory = SQSQueueDirectory(client: client, settings: settings)
    }

    /// The backend of `group`. Nothing is sent until it is used.
    /// - Throws: ``DeferrableError/invalidGroupName(_:reason:)`` when the name is not valid, contains `.` (SQS queue
    ///   names cannot), or makes a queue name longer than 80 characters.
    public func makeBackend(group: String) throws -> any Backend {
        try GroupName.validate(group)
        guard !group.contains(".") else { throw DeferrableError.invalidGroupName(group, reason: "SQS queue names cannot contain '.'") }
        let main = "\(queuePrefix)-\(group)"
        guard main.utf8.count + Self.errorQueueSuffix.utf8.count <= Self.maximumQueueNameLength else {
            throw DeferrableError.invalidGroupName(
                group, reason: "its error queue's name '\(main)\(Self.errorQueueSuffix)' is longer than 80 characters")
        }
        return SQSBackend(
            group: SQSGroup(
                name: group, client: client, settings: settings, directory: directory, mainQueueName: main,
                errorQueueName: main + Self.errorQueueSuffix, settlements: SQSSettlementMemo(), clock: SystemClock()))
    }

    /// Closes the HTTP connections. Backends made by this factory fail afterwards.
    public func close() async {
        try? await http.shutdown()
    }

    private static func validate(queueName prefix: String) throws(SQSBackendError) {
        guard !prefix.isEmpty else { throw .invalidQueueName(prefix, reason: "the prefix is empty") }
        let allowed = prefix.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D
                || byte == 0x5F
        }
        guard allowed else { throw .invalidQueueName(prefix, reason: "only letters, digits, '-' and '_' are allowed") }
        guard prefix.utf8.count <= maximumQueueNameLength - 2 - errorQueueSuffix.utf8.count else {
            throw .invalidQueueName(prefix, reason: "the prefix leaves no room for a group name within 80 characters")
        }
    }
}

extension SQSBackendFactory {
    /// Sends `body` as a plain message (no attributes, no envelope) to the main queue of `group`: one `SendMessage`,
    /// the benchmark's reference for the cost of a push.
    package func sendPlainMessage(_ body: String, group: String) async throws {
        let backend = try makeBackend(group: group)
        guard let queue = backend.queue as? SQSJobQueue else { return }
        _ = try await client.send(
            SQSClient.OutgoingMessage(body: body, delaySeconds: 0), to: try await queue.group.mainQueue().url)
    }
}
