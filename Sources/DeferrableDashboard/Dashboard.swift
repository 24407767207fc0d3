import Deferrable
import Hummingbird
import Logging
import NIOCore

/// A web dashboard over the queues of a backend: an overview of every group, task statistics, workers, the error
/// queue (with actions when allowed) and a peek into each queue, server-rendered HTML with inline SVG charts and no
/// script; and `GET /metrics` in the Prometheus text format.
///
/// Mount it in an application's router with ``addRoutes(to:atPath:)``, or serve it on its own with
/// ``application(bind:port:logger:)``:
///
/// ```swift
/// let dashboard = try Dashboard(factory: redisFactory, configuration: DashboardConfiguration(allowsActions: true))
/// dashboard.addRoutes(to: router, atPath: "/jobs")
/// ```
///
/// Safe by default: read-only unless ``DashboardConfiguration/allowsActions``; every action is a POST form carrying a
/// CSRF token drawn at random per instance; every value that came from a job is HTML-escaped; the access token, when
/// set, is checked on every request; every page reads a bounded amount (`?offset=&limit=`, at most 100 rows).
/// Parts a backend does not offer (task statistics, worker heartbeats, queue inspection) are shown as not available.
public struct Dashboard: Sendable {
    /// The configuration.
    public let configuration: DashboardConfiguration
    private let source: DashboardSource
    private let csrf: CSRFToken

    /// Creates a dashboard over the groups of `factory`.
    /// - Parameters:
    ///   - factory: the backends to show, and the list of their groups.
    ///   - configuration: actions, access token, refresh.
    ///   - logger: the logger of the instances the actions use.
    /// - Throws: ``DashboardConfigurationError`` when a value of `configuration` is out of range.
    public init(
        factory: any BackendFactory & GroupCatalog, configuration: DashboardConfiguration = DashboardConfiguration(),
        logger: Logger = Logger(label: "deferrable.dashboard")
    ) throws(DashboardConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        self.source = DashboardSource(factory: factory, logger: logger)
        self.csrf = CSRFToken()
    }

    /// Adds the dashboard's routes under `path` of `router` (`"/"` for the root): the pages, the actions and
    /// `path/metrics`. The access token, when configured, is checked on all of them and on nothing else of the router.
    public func addRoutes<Context: RequestContext>(to router: some RouterMethods<Context>, atPath path: String = "/") {
        let paths = DashboardPaths(mountPath: path)
        let layout = PageLayout(paths: paths, title: configuration.title, refreshSeconds: configuration.refreshSeconds)
        let forms = ActionForms(enabled: configuration.allowsActions, csrf: csrf, paths: paths)
        DashboardRoutes(source: source, layout: layout, forms: forms, token: configuration.token).add(to: router)
    }

    /// An application serving the dashboard at the root of `bind`:`port`; run it with `runService()` (it stops on
    /// SIGINT or SIGTERM) or in a `ServiceGroup`.
    /// - Parameters:
    ///   - bind: the address to listen on; anything but loopback needs ``DashboardConfiguration/token``.
    ///   - port: the port, `0` for one the system picks.
    ///   - logger: the server's logger.
    ///   - onServerRunning: called with the bound port once the server accepts connections.
    /// - Throws: ``DashboardConfigurationError/tokenRequired(bind:)`` when `bind` is not a loopback address and no
    ///   token is configured; ``DashboardConfigurationError/invalidPort(_:)`` when `port` is outside `0 ... 65535`.
    public func application(
        bind: String = "127.0.0.1", port: Int = 8080, logger: Logger = Logger(label: "deferrable.web"),
        onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) throws(DashboardConfigurationError) -> some ApplicationProtocol {
        guard (0...65535).contains(port) else { throw .invalidPort(port) }
        guard configuration.token != nil || Self.isLoopback(bind) else { throw .tokenRequired(bind: bind) }
        let router = Router()
        addRoutes(to: router)
        return Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname(bind, port: port)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }

    /// Serves the dashboard at the root of `bind`:`port` until SIGINT or SIGTERM (see
    /// ``application(bind:port:logger:onServerRunning:)``).
    /// - Throws: ``DashboardConfigurationError`` before serving, or the server's error (the port is taken, …).
    public func run(
        bind: String = "127.0.0.1", port: Int = 8080, logger: Logger = Logger(label: "deferrable.web"),
        onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) async throws {
        try await application(bind: bind, port: port, logger: logger, onServerRunning: onServerRunning).runService()
    }

    /// Whether `host` names the loopback interface: `localhost`, `127.0.0.0/8` or `::1`.
    public static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in QueryNumber.parse(String(part)).map { $0 <= 255 } ?? false }
    }
}
