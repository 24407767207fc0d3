import ArgumentParser
import Deferrable
import DeferrableRedis

/// `deferrable breakers [list]`.
struct BreakersListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the circuit breakers: state, hold, failures in a row, trips, probes, opened at, closes at.",
        discussion: """
            Sample output:
              NAME      STATE      HOLD  FAILURES IN A ROW  TRIPS  PROBES  OPENED AT            CLOSES AT
              payments  open       -                     0      2       0  2026-12-03 15:02:11  2026-12-03 15:03:11
              search    closed     -                     1      0       0  -                    -
            """
    )

    @OptionGroup var redis: RedisOptions

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        try await redis.withFactory { factory in
            let store = RedisCircuitBreakerStore(factory: factory)
            // The window counts depend on each application's policy; the listing shows what every policy shares.
            let policy = try CircuitBreakerPolicy()
            var snapshots: [CircuitSnapshot] = []
            for name in try await store.names() {
                snapshots.append(try await store.snapshot(name, policy: policy))
            }
            if json {
                try Output.json(snapshots.map(JSONShapes.circuit))
                return
            }
            guard !snapshots.isEmpty else {
                Output.line("no circuit breakers under prefix '\(redis.prefix)'")
                return
            }
            var table = Table([
                ("NAME", .left), ("STATE", .left), ("HOLD", .left), ("FAILURES IN A ROW", .right), ("TRIPS", .right),
                ("PROBES", .right), ("OPENED AT", .left), ("CLOSES AT", .left),
            ])
            for snapshot in snapshots {
                table.add([
                    snapshot.name, snapshot.phase.rawValue, snapshot.hold.map { "held \($0.rawValue)" } ?? "-",
                    Format.count(snapshot.consecutiveFailures), Format.count(snapshot.trips), Format.count(snapshot.probesInFlight),
                    snapshot.openedAtMillis.map(Format.timestamp) ?? "-", snapshot.closesAtMillis.map(Format.timestamp) ?? "-",
                ])
            }
            table.print()
        }
    }
}
