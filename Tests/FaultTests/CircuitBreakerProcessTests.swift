import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

/// Three worker processes share one circuit breaker through Redis while the downstream their jobs call is down.
@Suite(
    "Circuit breaker shared by worker processes", .serialized,
    .enabled(if: FaultEnv.hasRedis && FaultEnv.canStartRedis, "needs REDIS_URL and redis-server"), .timeLimit(.minutes(3)))
struct CircuitBreakerProcessTests {
    @Test(
        "the circuit opens for all three processes, the downstream is spared while it is open, and every job completes after recovery without spending attempts on the waits"
    )
    func sharedBreaker() async throws {
        let jobs = 30
        let prefix = uniquePrefix("breaker")
        let group = uniqueGroup()
        let directory = try makeTemporaryDirectory("breaker")
        defer { try? FileManager.default.removeItem(at: directory) }
        // The downstream: a redis-server on a port of its own, stopped until the recovery (connections are refused).
        let downstream = try await RedisServerProcess()
        defer { downstream.discard() }
        await downstream.stop()
        let factory = try makeQuietFactory(prefix: prefix)
        let deferrable = try Deferrable(factory: factory, group: group, logger: quietLogger())
        let handle = try deferrable.register("fault-downstream") { (_: FaultArgs, _: JobContext) in }
        let ids = Set(try await handle.laterMany((0..<jobs).map(FaultArgs.init(n:))).map(\.id))

        let outputs = (1...3).map { directory.appendingPathComponent("out\($0).txt") }
        var workers: [ProcessRunner] = []
        for (index, out) in outputs.enumerated() {
            workers.append(
                try await ProcessRunner(
                    arguments: [
                        "--redis", FaultEnv.url, "--group", group, "--key-prefix", prefix, "--mode", "work", "--concurrency", "2",
                        "--downstream-port", "\(downstream.port)", "--out", out.path, "--max-seconds", "150",
                    ],
                    directory: directory, name: "worker\(index + 1)"))
        }
        defer { for worker in workers { worker.discard() } }
        func lines() -> [String] { outputs.flatMap(readLines) }
        func calls() -> Int { lines().filter { $0.hasPrefix("call ") }.count }

        let store = RedisCircuitBreakerStore(factory: factory)
        let policy = try CircuitBreakerPolicy(trip: .consecutiveFailures(3), breakDuration: .seconds(1))
        let opened = try await eventually(within: .seconds(30)) {
            try await store.snapshot("fault-downstream", policy: policy).phase == .open
        }
        try #require(opened, "the circuit never opened: \(lines().prefix(20)) \(workers.map(\.output))")
        // Down for about 4 s: without the breaker, 6 slots retrying every 200 ms would call about 120 times. Every
        // call made while the circuit is open is a probe (a failed probe re-opens it: one trip more, at most one per
        // break of 1 s) or one admitted before the trip that was still starting (at most one per slot). Trips and
        // calls are read in an order that can only loosen the bound, and the window is timed, so a loaded machine
        // that wakes the test late does not make the count look too high.
        let tripsAtStart = try await store.snapshot("fault-downstream", policy: policy).trips
        let callsAtTrip = calls()
        let windowStart = ContinuousClock.now
        try await Task.sleep(for: .seconds(4))
        let callsWhileOpen = calls() - callsAtTrip
        let window = windowStart.duration(to: .now)
        let end = try await store.snapshot("fault-downstream", policy: policy)
        let probes = end.trips - tripsAtStart + end.probesInFlight
        #expect(callsWhileOpen <= probes + 6, "\(callsWhileOpen) calls while the circuit was open, \(probes) of them probes")
        let breaks = Int(window.wholeMilliseconds / 1000) + 1
        #expect(end.trips - tripsAtStart <= breaks, "\(end.trips - tripsAtStart) trips in \(window)")
        let waits = try await deferrable.stats()
        #expect(waits.errors == 0)

        try await downstream.start()
        let allDone = await eventually(within: .seconds(60)) {
            Set(lines().filter { $0.hasPrefix("done ") }.map { String($0.split(separator: " ")[1]) }).isSuperset(of: ids)
        }
        #expect(allDone, "not every job completed after the downstream recovered: \(workers.map(\.output))")
        let settled = try await eventually(within: .seconds(10)) {
            let stats = try await deferrable.stats()
            return stats.available == 0 && stats.inFlight == 0 && stats.delayed == 0
        }
        #expect(settled)
        #expect(try await deferrable.stats().errors == 0)

        // Attempts are spent only by calls that failed: each job's last attempt is 1 + the failed calls it made.
        let all = lines()
        var failedCalls: [String: Int] = [:]
        var lastAttempt: [String: Int] = [:]
        for line in all {
            let parts = line.split(separator: " ").map(String.init)
            if parts[0] == "call" { failedCalls[parts[1], default: 0] += 1 }
            if parts[0] == "done", parts.count == 3 {
                failedCalls[parts[1], default: 0] -= 1
                lastAttempt[parts[1]] = Int(parts[2])
            }
        }
        for id in ids {
            #expect(
                lastAttempt[id] == 1 + (failedCalls[id] ?? 0),
                "job \(id): attempt \(lastAttempt[id] ?? -1), failed calls \(failedCalls[id] ?? 0)")
        }
        report(
            "sharedBreaker",
            [
                "jobs": jobs, "calls before the trip": callsAtTrip, "calls while open": callsWhileOpen, "window": window, "probes": probes,
                "calls in all": calls(),
            ])
        for worker in workers { await worker.kill(SIGTERM) }
        try await deferrable.flush()
        await factory.close()
    }
}
