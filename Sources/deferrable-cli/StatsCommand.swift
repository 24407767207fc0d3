import ArgumentParser
import Deferrable
import DeferrableRedis
import Foundation

/// `deferrable stats [GROUP]`.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show job counts per group: ready, delayed, in flight, errors, stored results, and the queue latency.",
        discussion: """
            Without GROUP, shows every group ever pushed to under the prefix. RESULTS counts the stored results of \
            jobs that return a value (- when the backend keeps none). LATENCY is the queue latency: how long the \
            oldest runnable job has been runnable (- when none is).

            Examples:
              deferrable stats
              deferrable stats emails --json
              deferrable stats --watch --interval 5

            Sample output:
              GROUP   READY  DELAYED  IN FLIGHT  ERRORS  RESULTS  LATENCY
              emails  1,204       12          8       3        0   4m 12s
              images      0        0          2       0      517        -
            """
    )

    @OptionGroup var redis: RedisOptions

    @Argument(help: "The group (default: all known groups).")
    var group: String?

    @Flag(help: "Print JSON instead of a table (one line per refresh with --watch).")
    var json = false

    @Flag(help: "Refresh until interrupted (Ctrl-C).")
    var watch = false

    @Option(help: "Seconds between refreshes with --watch.")
    var interval: Double = 2

    func validate() throws {
        guard interval >= 0.1 else { throw ValidationError("--interval must be at least 0.1 seconds") }
    }

    struct Row {
        let group: String
        let stats: QueueStats
        /// Stored results; `nil` when the backend keeps none.
        let results: Int?
        /// How long the oldest runnable job has been runnable; `nil` when none is.
        let latency: Duration?
    }

    func run() async throws {
        try await redis.withFactory { factory in
            if watch {
                signal(SIGINT) { _ in _exit(0) }
                while true {
                    let rows = try await collect(factory)
                    if json {
                        try Output.json(rows.map(Self.jsonObject), pretty: false)
                    } else {
                        Output.line("\u{1B}[H\u{1B}[2J" + "deferrable stats — \(redis.url) — every \(interval)s (Ctrl-C to stop)")
                        Output.line()
                        render(rows)
                    }
                    try await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
                }
            }
            let rows = try await collect(factory)
            if json {
                try Output.json(rows.map(Self.jsonObject))
            } else {
                render(rows)
            }
        }
    }

    private func collect(_ factory: RedisBackendFactory) async throws -> [Row] {
        let groups = try await redis.groups(group, factory: factory)
        var rows: [Row] = []
        for name in groups {
            let deferrable = try Deferrable(factory: factory, group: name)
            let stats = try await deferrable.stats()
            let results = try await deferrable.backend.results?.count()
            let latency = stats.available > 0 ? try await deferrable.backend.inspector?.oldestRunnableAge() : nil
            rows.append(Row(group: name, stats: stats, results: results, latency: latency))
        }
        return rows
    }

    private func render(_ rows: [Row]) {
        guard !rows.isEmpty else {
            Output.line("no groups yet under prefix '\(redis.prefix)'")
            return
        }
        var table = Table([
            ("GROUP", .left), ("READY", .right), ("DELAYED", .right), ("IN FLIGHT", .right), ("ERRORS", .right),
            ("RESULTS", .right), ("LATENCY", .right),
        ])
        for row in rows {
            table.add([
                row.group, Format.count(row.stats.available), Format.count(row.stats.delayed),
                Format.count(row.stats.inFlight), Format.count(row.stats.errors),
                row.results.map(Format.count) ?? "-", row.latency.map(Format.duration) ?? "-",
            ])
        }
        table.print()
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func jsonObject(_ row: Row) -> [String: Any] {
        [
            "group": row.group,
            "ready": row.stats.available,
            "delayed": row.stats.delayed,
            "inFlight": row.stats.inFlight,
            "errors": row.stats.errors,
            "results": row.results as Any? ?? NSNull(),
            "latencySeconds": row.latency.map(Self.seconds) as Any? ?? NSNull(),
            // The earlier name of the same value.
            "oldestJobAgeSeconds": row.latency.map(Self.seconds) as Any? ?? NSNull(),
        ]
    }
}
