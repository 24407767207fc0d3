import ArgumentParser
import Deferrable
import DeferrableDashboard
import DeferrableRedis
import Foundation
import Logging

/// `deferrable web`: serves the dashboard.
struct WebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "Serve the web dashboard: groups, task statistics, workers, error queues, queue peeks, /metrics.",
        discussion: """
            Read-only unless --allow-actions is given (requeue, delete, purge as POST forms with a CSRF token). \
            Binding to an address other than loopback needs --token (or $DEFERRABLE_WEB_TOKEN); it is then checked \
            on every request, as "Authorization: Bearer TOKEN" or the cookie that opening /?token=TOKEN sets.

            Examples:
              deferrable web
              deferrable web --port 9000 --allow-actions
              DEFERRABLE_WEB_TOKEN=… deferrable web --bind 0.0.0.0 --port 8080

            Sample output:
              dashboard on http://127.0.0.1:8080/ (read-only; Redis redis://127.0.0.1:6379, prefix deferrable)
            """
    )

    @OptionGroup var redis: RedisOptions

    @Option(help: "The address to listen on.")
    var bind = "127.0.0.1"

    @Option(help: "The port to listen on (0: any free port; the line printed at start names it).")
    var port = 8080

    @Option(help: "Access token every request must carry (16-256 of A-Z a-z 0-9 - . _ ~). Default: $DEFERRABLE_WEB_TOKEN.")
    var token: String?

    @Flag(help: "Offer the error-queue actions: requeue one, requeue all, delete, purge.")
    var allowActions = false

    @Option(help: "Seconds between reloads of the live pages (0: never).")
    var refresh = 10

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        guard (0...3600).contains(refresh) else { throw ValidationError("--refresh must be 0 to 3600 seconds") }
    }

    func run() async throws {
        let token = token ?? ProcessInfo.processInfo.environment["DEFERRABLE_WEB_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        let factory = try redis.connect()
        var logger = Logger(label: "deferrable.web")
        logger.logLevel = .warning
        do {
            let dashboard = try Dashboard(
                factory: factory,
                configuration: DashboardConfiguration(
                    allowsActions: allowActions, token: token, refreshSeconds: refresh == 0 ? nil : refresh),
                logger: logger)
            let mode = allowActions ? "actions allowed" : "read-only"
            let (host, url, prefix) = (bind.contains(":") ? "[\(bind)]" : bind, redis.url, redis.prefix)
            try await dashboard.run(bind: bind, port: port, logger: logger) { port in
                Output.line("dashboard on http://\(host):\(port)/ (\(mode); Redis \(url), prefix \(prefix))")
            }
        } catch let error as DashboardConfigurationError {
            await factory.close()
            throw CLIError.usage(error.description)
        } catch {
            await factory.close()
            throw CLIError.wrapping(error)
        }
        await factory.close()
    }
}
