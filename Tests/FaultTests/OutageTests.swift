import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import InMemoryLogging
import Logging
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Redis goes away: `later()` fails fast with a typed error; a running worker backs off and resumes by itself.
@Suite("Redis outages", .serialized, .enabled(if: FaultEnv.canStartRedis, "needs redis-server on PATH"), .timeLimit(.minutes(3)))
struct OutageTests {
    struct Numbered: Codable, Sendable { var n: Int }

    @Test("Redis stopped: later() throws a typed RedisError within the connect timeout, never hangs")
    func laterFailsFast() async throws {
        let server = try await RedisServerProcess()
        defer { server.discard() }
        var configuration = try RedisConfiguration(url: server.url)
        configuration.connectTimeout = .seconds(1)
        configuration.commandTimeout = .seconds(2)
        let factory = RedisBackendFactory(
            configuration: configuration, settings: RedisBackendSettings(keyPrefix: uniquePrefix("down")), logger: quietLogger())
        let deferrable = try Deferrable(factory: factory, group: uniqueGroup(), logger: quietLogger())
        let job = try deferrable.register("n") { (_: Numbered, _: JobContext) in }
        _ = try await job.later(Numbered(n: 0))
        await server.stop()

        let bound = configuration.connectTimeout + .milliseconds(1500)
        var slowest = Duration.zero
        var errors: [String] = []
        for attempt in 1...10 {
            let start = ContinuousClock.now
            do {
                _ = try await job.later(Numbered(n: attempt))
                Issue.record("later() succeeded while Redis is down")
            } catch let error as RedisError {
                errors.append("\(error)")
            }
            do {
                _ = try await deferrable.runOnce(waitingUpTo: .zero)
                Issue.record("runOnce succeeded while Redis is down")
            } catch let error as RedisError {
                errors.append("\(error)")
            }
            let elapsed = start.duration(to: .now)
            slowest = max(slowest, elapsed)
            #expect(elapsed < bound * 2, "attempt \(attempt) took \(elapsed)")
            try await Task.sleep(for: .milliseconds(50))
        }

        // A server that accepts TCP connections but never answers: bounded by the connect timeout too.
        let silent = try SilentListener()
        defer { silent.close() }
        var silentConfiguration = try RedisConfiguration(url: "redis://:pw@127.0.0.1:\(silent.port)")
        silentConfiguration.connectTimeout = .milliseconds(500)
        silentConfiguration.commandTimeout = .seconds(1)
        let silentFactory = RedisBackendFactory(
            configuration: silentConfiguration, settings: RedisBackendSettings(keyPrefix: "silent"), logger: quietLogger())
        let silentDeferrable = try Deferrable(factory: silentFactory, group: "g", logger: quietLogger())
        let silentJob = try silentDeferrable.register("n") { (_: Numbered, _: JobContext) in }
        let silentStart = ContinuousClock.now
        await #expect(throws: RedisError.self) { try await silentJob.later(Numbered(n: 1)) }
        let silentElapsed = silentStart.duration(to: .now)
        #expect(silentElapsed < .milliseconds(500) + .milliseconds(1500), "a silent server held later() for \(silentElapsed)")

        report(
            "redis-down",
            [
                "attempts": 20, "typedErrors": errors.count, "slowest": slowest, "connectTimeout": configuration.connectTimeout,
                "silentServer": silentElapsed,
            ])
        #expect(errors.count == 20)
        await factory.close()
        await silentFactory.close()
    }

    @Test("A Worker rides out a Redis restart and CLIENT KILL without restarting")
    func workerResumes() async throws {
        let server = try await RedisServerProcess()
        defer { server.discard() }
        let prefix = uniquePrefix("resume")
        let group = uniqueGroup()
        var configuration = try RedisConfiguration(url: server.url)
        configuration.connectTimeout = .seconds(1)
        let capture = InMemoryLogHandler()
        let factory = RedisBackendFactory(
            configuration: configuration, settings: RedisBackendSettings(keyPrefix: prefix), logger: quietLogger())
        let deferrable = try Deferrable(factory: factory, group: group, defaults: JobDefaults(lease: .seconds(1)), logger: quietLogger())
        let done = Locked<Set<String>>([])
        let job = try deferrable.register("n") { (_: Numbered, context: JobContext) in
            try await Task.sleep(for: .milliseconds(5))
            done.withLock { _ = $0.insert(context.id) }
        }
        let worker = Worker(
            deferrable,
            configuration: Worker.Configuration(
                concurrency: 4, gracePeriod: .seconds(2), idleWait: .milliseconds(200), backendRetryInitialDelay: .milliseconds(50),
                backendRetryMaxDelay: .milliseconds(500), reportsMetrics: false),
            logger: capture.logger(label: "worker"))
        let finished = Locked(false)
        let running = Task {
            try await worker.run()
            finished.withLock { $0 = true }
        }
        defer { running.cancel() }

        /// Pushes `count` jobs (retrying while Redis is away) and waits until they all ran.
        func pushAndWait(_ count: Int, label: String) async throws -> Set<String> {
            var ids: Set<String> = []
            let deadline = ContinuousClock.now + .seconds(20)
            while ids.count < count, ContinuousClock.now < deadline {
                do {
                    ids.formUnion(try await job.laterMany((0..<(count - ids.count)).map(Numbered.init(n:))).map(\.id))
                } catch {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            let all = await eventually(within: .seconds(30)) { done.value.isSuperset(of: ids) }
            #expect(ids.count == count, "\(label): could not push")
            #expect(all, "\(label): \(ids.subtracting(done.value).count) of \(count) jobs did not run")
            return ids
        }

        let start = ContinuousClock.now
        _ = try await pushAndWait(50, label: "before")
        // Redis goes away for a while, then comes back on the same port (empty: no persistence here).
        await server.stop()
        try await Task.sleep(for: .milliseconds(1500))
        try await server.restart()
        let afterRestart = try await pushAndWait(50, label: "after restart")

        // CLIENT KILL of every normal connection (the worker's pipelined and blocking ones) mid-run.
        let admin = RedisClient(configuration: configuration, logger: quietLogger())
        var ids: Set<String> = []
        for chunk in 0..<4 {
            ids.formUnion(try await job.laterMany((0..<100).map { Numbered(n: chunk * 100 + $0) }).map(\.id))
        }
        _ = await eventually(within: .seconds(20)) { done.value.intersection(ids).count >= 50 }
        var killed: Int64 = 0
        for _ in 0..<3 {
            killed += try await admin.send(RedisCommand("CLIENT", "KILL", "TYPE", "normal")).int ?? 0
            try await Task.sleep(for: .milliseconds(100))
        }
        let allAfterKill = await eventually(within: .seconds(30)) { done.value.isSuperset(of: ids) }
        #expect(allAfterKill, "\(ids.subtracting(done.value).count) of \(ids.count) jobs did not run after CLIENT KILL")
        #expect(killed > 0)
        let stillRunning = !finished.value
        worker.shutdownGracefully()
        _ = try? await running.value
        let warnings = capture.entries.filter { $0.level >= .warning }.count
        report(
            "worker-outage",
            [
                "restarts": 1, "clientKills": 3, "connectionsKilled": killed, "jobsAfterRestart": afterRestart.count,
                "jobsAcrossKill": ids.count, "lost": ids.subtracting(done.value).count, "workerWarnings": warnings,
                "seconds": start.duration(to: .now),
            ])
        #expect(stillRunning)
        await admin.close()
        await factory.close()
    }
}
