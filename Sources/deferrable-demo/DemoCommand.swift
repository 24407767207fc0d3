import Deferrable
import Foundation
import Logging

#if Redis
import DeferrableRedis
#endif
#if Postgres
import DeferrablePostgres
#endif

/// `deferrable-demo [--redis URL | --postgres URL]`: shows Deferrable's behaviours on the in-memory backend (or on
/// Redis, or on PostgreSQL after migrating its schema).
///
/// Any failure (a bad URL, an unreachable server) ends the demo with one line on standard error and exit
/// status 1.
@main
struct DemoCommand {
    static func main() async {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .critical
            return handler
        }
        do {
            try await run(Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("deferrable-demo: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ arguments: [String]) async throws {
        let factory = try await makeFactory(arguments)
        let deferrable = try Deferrable(factory: factory, group: "demo")
        try await deferrable.flush()
        _ = try await deferrable.errors.purge()
        deferrable.addObserver(EventPrinter())
        let jobs = try DemoJobs(deferrable: deferrable)

        print("Pushing jobs with later():")
        let receipt = try await jobs.greet.later(.init(name: "Ada"))
        print("  receipt: job \(receipt.id.prefix(8)) is \(receipt.disposition)")
        try await jobs.flakyEmail.later(.init(name: "Grace"))
        try await jobs.charge.later(.init(number: 1017, amountCents: 4_200))
        let delayed = try await jobs.reminder.later(.init(name: "Linus"))
        print("  receipt: reminder is \(delayed.disposition), runnable at \(delayed.runnableDate)")
        try await jobs.offer.later(.init(name: "Barbara"))
        let quote = try await jobs.quote.later(.init(number: 1018, amountCents: 10_000))
        print("  future: quote \(quote.id.prefix(8)) is done? \(try await quote.isDone())")
        print("  waiting 150 ms so that limited-offer outlives its 100 ms TTL…")
        try await Task.sleep(for: .milliseconds(150))

        print("\nConsumer loop with runOnce():")
        var idleRounds = 0
        while idleRounds < 2 {
            let outcome = try await deferrable.runOnce(waitingUpTo: .milliseconds(500))
            if outcome == .empty {
                idleRounds += 1
            } else {
                idleRounds = 0
                print("    ⇒ outcome: \(outcome.label)")
            }
        }

        print("\nResult of the quote, read through a future rebuilt from its id:")
        let total = try await deferrable.future(for: quote.id, as: Int.self).result(waitingUpTo: .seconds(1))
        print("  \(total) cents")

        print("\nError queue:")
        for dead in try await deferrable.errors.list() {
            print("  \(dead.envelope?.name ?? "?") [\(dead.id.prefix(8))]: \(dead.error.type): \(dead.error.message)")
        }
        let stats = try await deferrable.stats()
        print("\nStats: available \(stats.available), in flight \(stats.inFlight), delayed \(stats.delayed), errors \(stats.errors)")
        #if Postgres
        if let postgres = factory as? PostgresBackendFactory {
            await postgres.close()
        }
        #endif
    }

    static func makeFactory(_ arguments: [String]) async throws -> any BackendFactory {
        if arguments.contains("--redis"), arguments.contains("--postgres") {
            throw DemoError("pass --redis URL or --postgres URL, not both")
        }
        if let url = try url(after: "--redis", in: arguments, example: "redis://127.0.0.1:6379") {
            #if Redis
            let configuration = try RedisConfiguration(url: url)
            print("Backend: Redis at \(configuration)\n")
            return RedisBackendFactory(configuration: configuration)
            #else
            throw DemoError("this build has no Redis support; run it as: swift run --traits Redis deferrable-demo --redis URL")
            #endif
        }
        if let url = try url(after: "--postgres", in: arguments, example: "postgres://postgres@127.0.0.1:5432/postgres") {
            #if Postgres
            let factory = try PostgresBackendFactory(url: url)
            let version = try await factory.migrate()
            print("Backend: PostgreSQL, schema \(factory.schema) at version \(version)\n")
            return factory
            #else
            throw DemoError(
                "this build has no PostgreSQL support; run it as: swift run --traits Postgres deferrable-demo --postgres URL")
            #endif
        }
        print("Backend: in-memory (pass --redis URL or --postgres URL to use Redis or PostgreSQL)\n")
        return MemoryBackendFactory()
    }

    /// The argument after `option`, `nil` when `option` is absent; throws when it has no argument.
    static func url(after option: String, in arguments: [String], example: String) throws -> String? {
        guard let index = arguments.firstIndex(of: option) else { return nil }
        guard index + 1 < arguments.count else {
            throw DemoError("\(option) needs a URL, e.g. \(option) \(example)")
        }
        return arguments[index + 1]
    }
}

struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
