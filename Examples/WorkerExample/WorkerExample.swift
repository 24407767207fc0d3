// A producer and a worker in one ServiceGroup: copy this into your app.
//
//   swift run worker-example                               # in-memory backend
//   swift run worker-example --redis redis://127.0.0.1:6379
//
// Ctrl-C (SIGINT) or SIGTERM shuts down gracefully: the producer stops, the worker finishes running jobs
// (up to its grace period) and hands back the rest.

import Deferrable
import DeferrableRedis
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// The job's arguments.
struct SendWelcomeEmail: Codable, Sendable {
    var userID: Int
    var address: String
}

/// Pushes a job every `interval` until the service group shuts down.
struct Producer: Service {
    let deferrable: Deferrable
    let handle: JobHandle<SendWelcomeEmail>
    let interval: Duration
    let logger: Logger

    func run() async throws {
        // cancelWhenGracefulShutdown: the loop ends as soon as shutdown begins (and returns normally).
        await cancelWhenGracefulShutdown {
            var userID = 0
            while !Task.isCancelled {
                userID += 1
                do {
                    let receipt = try await handle.later(SendWelcomeEmail(userID: userID, address: "user\(userID)@example.com"))
                    logger.info("pushed", metadata: ["job.id": "\(receipt.id)", "user": "\(userID)"])
                } catch {
                    logger.warning("push failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}

@main
enum WorkerExample {
    /// Runs until SIGINT or SIGTERM; a bad URL or an unreachable Redis at startup ends it with one line on stderr
    /// and exit status 1 (once running, the worker rides out outages).
    static func main() async {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        do {
            try await run()
        } catch {
            FileHandle.standardError.write(Data("worker-example: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run() async throws {
        let logger = Logger(label: "worker-example")
        let arguments = CommandLine.arguments
        let redisURL = arguments.firstIndex(of: "--redis").flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }

        // 1. A backend: memory by default, Redis with --redis URL.
        let factory: any BackendFactory
        var redis: RedisBackendFactory?
        if let redisURL {
            let configuration = try RedisConfiguration(url: redisURL)
            try await RedisClient.checkReachable(configuration)  // fail fast at start-up, in one line
            let redisFactory = RedisBackendFactory(configuration: configuration)
            redis = redisFactory
            factory = redisFactory
        } else {
            factory = MemoryBackendFactory()
        }

        // 2. An instance per group, with its jobs registered (workers must register every job they run).
        let emails = try Deferrable(factory: factory, group: "emails", defaults: JobDefaults(maxAttempts: 3), logger: logger)
        let sendWelcome = try emails.register("send-welcome-email") { (args: SendWelcomeEmail, context: JobContext) in
            context.logger.info("sending welcome email", metadata: ["to": "\(args.address)"])
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...400)))  // the real work; honours cancellation
        }

        // 3. A worker (metrics go to whatever MetricsSystem you bootstrapped) and the producer, in a ServiceGroup.
        let worker = Worker(
            emails,
            configuration: .init(concurrency: 4, gracePeriod: .seconds(10), defaultTimeLimit: .seconds(30), slowJobThreshold: .seconds(5)),
            logger: logger)
        let producer = Producer(deferrable: emails, handle: sendWelcome, interval: .milliseconds(500), logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    // The producer ending (at shutdown) must not end the worker early.
                    .init(service: producer, successTerminationBehavior: .ignore),
                    .init(service: worker),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        await redis?.close()
    }
}
