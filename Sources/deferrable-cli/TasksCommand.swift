import ArgumentParser
import Deferrable
import DeferrableRedis
import Foundation

/// `deferrable tasks [GROUP]`.
struct TasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "Show task statistics per job name: running, runs by outcome, run time and queue wait percentiles.",
        discussion: """
            Without GROUP, shows every known group. RUNNING is read from live leases (a killed worker's jobs stop \
            counting once their lease lapses). RUN and WAIT are p50/p99 over the last 5 minutes; - when nothing ran. \
            Names no consumer registered are counted under `unknown`.

            Examples:
              deferrable tasks
              deferrable tasks emails --json

            Sample output:
              GROUP   NAME        RUNNING  TOTAL   OK      FAILED  RETRIED  OTHER  RUN p50/p99     WAIT p50/p99   LAST SEEN
              emails  send-email  3        12,204  12,150  4       50       0      12.4ms/140ms    1.10ms/35ms    2s ago
              emails  unknown     0        2       0       2       0        0      -               -              1h 3m ago
            """
    )

    @OptionGroup var redis: RedisOptions

    @Argument(help: "The group (default: all known groups).")
    var group: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        try await redis.withFactory { factory in
            var rows: [TaskStatistics] = []
            for name in try await redis.groups(group, factory: factory) {
                rows += try await Deferrable(factory: factory, group: name).taskStatistics()
            }
            if json {
                try Output.json(rows.map(JSONShapes.taskStatistics))
            } else {
                render(rows)
            }
        }
    }

    private func render(_ rows: [TaskStatistics]) {
        guard !rows.isEmpty else {
            Output.line("no task statistics yet under prefix '\(redis.prefix)'")
            return
        }
        var table = Table([
            ("GROUP", .left), ("NAME", .left), ("RUNNING", .right), ("TOTAL", .right), ("OK", .right), ("FAILED", .right),
            ("RETRIED", .right), ("OTHER", .right), ("RUN p50/p99", .left), ("WAIT p50/p99", .left), ("LAST SEEN", .left),
        ])
        let now = Format.nowMillis
        for row in rows {
            let other = row.total - row.counts.succeeded - row.counts.failed - row.counts.retried
            table.add([
                row.group, row.name, Format.count(row.running), Format.count(row.total), Format.count(row.counts.succeeded),
                Format.count(row.counts.failed), Format.count(row.counts.retried), Format.count(other),
                Self.percentiles(row.runTime), Self.percentiles(row.queueWait),
                row.lastSeenMillis.map { Format.ago($0, now: now) } ?? "-",
            ])
        }
        table.print()
    }

    private static func percentiles(_ percentiles: DurationPercentiles?) -> String {
        percentiles.map { "\(Format.latency($0.p50))/\(Format.latency($0.p99))" } ?? "-"
    }
}
