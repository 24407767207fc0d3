import Deferrable
import DeferrableDashboard
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A group name of its own for every test.
func uniqueGroup(_ prefix: String = "dash") -> String {
    "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
}

/// An error whose description is chosen by the test (it becomes the error record's message).
struct ScriptedError: Error, CustomStringConvertible {
    let description: String
}

/// A response as the tests read it.
struct Page: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: String

    /// The value of the hidden CSRF field of the page's forms.
    var csrfToken: String? {
        guard let range = body.range(of: #"name="csrf" value="([0-9a-f]+)""#, options: .regularExpression) else { return nil }
        return String(body[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
    }
}

/// The client side of a dashboard under test: requests against the router, no network.
struct DashboardClient: Sendable {
    let client: any TestClientProtocol

    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> Page {
        try await request(uri, method: .get, headers: headers)
    }

    /// POSTs `fields` URL-encoded.
    func post(_ uri: String, fields: [(String, String)], headers: HTTPFields = [:]) async throws -> Page {
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = fields.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined(separator: "&")
        return try await request(uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    private func request(_ uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer? = nil) async throws
        -> Page
    {
        try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }
}

/// The backends the dashboard is tested on.
enum DashboardBackend: Sendable, CustomTestStringConvertible {
    case memory
    /// A real Redis server at this URL (from `REDIS_URL`), each harness under a key prefix of its own.
    case redis(url: String)

    /// Redis when `REDIS_URL` is set.
    static var redis: DashboardBackend? {
        ProcessInfo.processInfo.environment["REDIS_URL"].map { .redis(url: $0) }
    }

    var testDescription: String {
        switch self {
        case .memory: "memory"
        case .redis: "redis"
        }
    }
}

/// A backend with one group, and a dashboard over it.
struct DashboardHarness: Sendable {
    let factory: any BackendFactory & GroupCatalog
    private let redis: RedisBackendFactory?
    let deferrable: Deferrable
    let dashboard: Dashboard
    let mountPath: String
    /// Once true, the seeded jobs succeed; the job ids that ran successfully are in ``succeeded``.
    let healed = Locked(false)
    let succeeded = Locked<[String]>([])

    init(
        configuration: DashboardConfiguration = DashboardConfiguration(allowsActions: true), mountPath: String = "/",
        backend: DashboardBackend = .memory
    ) throws {
        switch backend {
        case .memory:
            factory = MemoryBackendFactory()
            redis = nil
        case .redis(let url):
            let redis = try RedisBackendFactory(url: url, settings: RedisBackendSettings(keyPrefix: uniqueGroup("dash-prefix")))
            factory = redis
            self.redis = redis
        }
        deferrable = try Deferrable(factory: factory, group: uniqueGroup(), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        dashboard = try Dashboard(factory: factory, configuration: configuration)
        self.mountPath = mountPath
    }

    var group: String { deferrable.group }

    /// Closes the Redis connections, if any.
    func close() async {
        await redis?.close()
    }

    /// Runs `body` with a client of an application whose router holds the dashboard at ``mountPath``.
    func withClient<T: Sendable>(_ body: @escaping @Sendable (DashboardClient) async throws -> T) async throws -> T {
        let router = Router()
        dashboard.addRoutes(to: router, atPath: mountPath)
        return try await Application(router: router).test(.router) { client in try await body(DashboardClient(client: client)) }
    }

    /// Registers job `name` failing with `message` on its only attempt (until ``healed``), pushes it `count` times with
    /// `argument`, and runs every job into the error queue; returns the job ids in push order.
    @discardableResult
    func seedErrors(name: String = "doomed", argument: String = "payload", message: String = "it broke", count: Int = 1)
        async throws -> [String]
    {
        let handle = try deferrable.register(name, options: JobOptions(maxAttempts: 1)) { [healed, succeeded] (_: String, context) in
            guard healed.value else { throw ScriptedError(description: message) }
            succeeded.withLock { $0.append(context.id) }
        }
        var ids: [String] = []
        for _ in 0..<count { ids.append(try await handle.later(argument).id) }
        for _ in 0..<count { _ = try await deferrable.runOnce(waitingUpTo: .zero) }
        return ids
    }
}
