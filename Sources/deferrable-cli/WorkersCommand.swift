import ArgumentParser
import Deferrable
import DeferrableRedis
import Foundation

/// `deferrable workers [GROUP]`.
struct WorkersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers",
        abstract: "Show the live workers: host, pid, id, uptime, concurrency, busy slots, groups, last heartbeat.",
        discussion: """
            A worker is listed while its heartbeat is fresh: it beats every heartbeat interval (default 5 s) and \
            disappears within two intervals after it stops beating (at once when it stops cleanly). Without GROUP, \
            shows the workers of every known group, each worker once. --json adds the ids of the jobs each worker \
            runs.

            Examples:
              deferrable workers
              deferrable workers emails --json

            Sample output:
              HOST     PID  ID                                    UPTIME  CONCURRENCY  BUSY  GROUPS         LAST BEAT
              web-1  41233  5b0e7c1a-3f0e-4d5e-9a57-0c1d7f9e2b11  3h 12m           10     4  emails,images         2s
              web-2   8812  c2f4a9de-77b1-4c0a-b3a1-5e6f7a8b9c0d     42s            5     0  emails                4s
            """
    )

    @OptionGroup var redis: RedisOptions

    @Argument(help: "The group (default: all known groups).")
    var group: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        try await redis.withFactory { factory in
            let heartbeats = try await collect(factory)
            let now = Format.nowMillis
            if json {
                try Output.json(heartbeats.map { JSONShapes.workerHeartbeat($0, now: now) })
                return
            }
            guard !heartbeats.isEmpty else {
                Output.line(group.map { "no live workers in '\($0)'" } ?? "no live workers under prefix '\(redis.prefix)'")
                return
            }
            var table = Table([
                ("HOST", .left), ("PID", .right), ("ID", .left), ("UPTIME", .right), ("CONCURRENCY", .right), ("BUSY", .right),
                ("GROUPS", .left), ("LAST BEAT", .right),
            ])
            for heartbeat in heartbeats {
                table.add([
                    heartbeat.host, "\(heartbeat.pid)", heartbeat.id,
                    Format.duration(.milliseconds(max(0, now.subtractingSaturated(heartbeat.startedMillis)))),
                    Format.count(heartbeat.concurrency), Format.count(heartbeat.busySlots),
                    heartbeat.groups.joined(separator: ","),
                    Format.duration(.milliseconds(max(0, now.subtractingSaturated(heartbeat.beatMillis)))),
                ])
            }
            table.print()
        }
    }

    /// The live workers of the group, or of every known group with each worker once (its latest heartbeat).
    private func collect(_ factory: RedisBackendFactory) async throws -> [WorkerHeartbeat] {
        let groups = try await redis.groups(group, factory: factory)
        var byID: [String: WorkerHeartbeat] = [:]
        for name in groups {
            guard let directory = try factory.makeBackend(group: name).workers else { continue }
            for heartbeat in try await directory.workers() where heartbeat.beatMillis >= byID[heartbeat.id]?.beatMillis ?? .min {
                byID[heartbeat.id] = heartbeat
            }
        }
        return byID.values.sorted(by: WorkerHeartbeat.listingOrder)
    }
}
