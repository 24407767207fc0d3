import Deferrable
import Foundation
import Hummingbird
import Logging

/// The arguments of the welcome job.
struct Welcome: Codable, Sendable {
    var userID: Int
}

/// The app's jobs, declared once for the routes that push them and the worker that runs them.
enum Jobs {
    static let welcome = JobName<Welcome>("welcome", options: JobOptions(maxAttempts: 3))
}

/// `swift run HummingbirdApp [port]`, then `curl -X POST http://127.0.0.1:8080/welcome/42`: the route pushes a job and
/// the worker, one of the application's services, runs it. SIGTERM or SIGINT shuts both down gracefully.
@main
struct HummingbirdApp {
    static func main() async throws {
        let port = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 8080
        let logger = Logger(label: "hummingbird-app")
        // One store for both sides here; with Redis, PostgreSQL or SQS the two usually run in different processes.
        let factory = MemoryBackendFactory()
        let web = try Deferrable(factory: factory, group: "mail")
        let jobs = try Deferrable(factory: factory, group: "mail")
        try jobs.register(Jobs.welcome) { args, context in
            context.logger.info("welcomed user \(args.userID)")
            FileHandle.standardOutput.write(Data("ran welcome \(args.userID)\n".utf8))
        }

        let router = Router()
        router.post("/welcome/:id") { _, context -> String in
            let userID = try context.parameters.require("id", as: Int.self)
            let receipt = try await web.later(Jobs.welcome, Welcome(userID: userID))
            return "queued \(receipt.id)\n"
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            services: [Worker(jobs)], logger: logger)
        try await app.runService()
    }
}
