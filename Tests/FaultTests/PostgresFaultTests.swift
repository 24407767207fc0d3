import Deferrable
import DeferrablePostgres
import DeferrableTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Real worker processes and real PostgreSQL servers that fail: SIGKILLed workers, a job that kills its worker every
/// time, a server restarted under load or stopped, and the server ending the worker's connections.
@Suite(
    "PostgreSQL faults", .serialized, .enabled(if: PostgresFaultEnv.url != nil, "needs POSTGRES_URL"),
    .timeLimit(.minutes(4)))
struct PostgresFaultTests {
    static func workerArguments(
        url: String, schema: String, group: String, out: URL, mode: String = "work", concurrency: Int = 8,
        leaseMillis: Int = 2000, sleepMillis: Int = 20
    ) -> [String] {
        [
            "--postgres", url, "--schema", schema, "--group", group, "--mode", mode, "--concurrency", "\(concurrency)",
            "--lease-ms", "\(leaseMillis)", "--sleep-ms", "\(sleepMillis)", "--out", out.path, "--max-seconds", "200",
        ]
    }

    @Test("SIGKILL of a worker with jobs in flight: every job completes, the killed worker's jobs within lease + 1 s")
    func sigkill() async throws {
        let url = try #require(PostgresFaultEnv.url)
        let jobs = 300
        let leaseMillis = 2000
        let schema = PostgresFaultEnv.uniqueSchema()
        let (factory, deferrable, handle) = try await PostgresFaultEnv.producer(url: url, schema: schema)
        defer { Task { await factory.close() } }
        let directory = try makeTemporaryDirectory("pg-kill")
        defer { try? FileManager.default.removeItem(at: directory) }
        let firstHalf = Set(try await handle.laterMany((0..<jobs / 2).map(FaultArgs.init(n:))).map(\.id))
        let out1 = directory.appendingPathComponent("out1.txt")
        let out2 = directory.appendingPathComponent("out2.txt")
        let first = try await ProcessRunner(
            arguments: Self.workerArguments(
                url: url, schema: schema, group: deferrable.group, out: out1, leaseMillis: leaseMillis, sleepMillis: 60),
            directory: directory, name: "pg-worker1")
        defer { first.discard() }
        let third = await eventually(within: .seconds(60)) { readLines(out1).count >= jobs / 6 }
        try #require(third, "the first worker did not complete a third of the first half: \(first.output)")
        // The second worker runs before the kill, so the recovery time is the backend's, not a process start.
        let (second, secondHalf) = try await startSurvivor(output: out2) {
            try await ProcessRunner(
                arguments: Self.workerArguments(
                    url: url, schema: schema, group: deferrable.group, out: out2, leaseMillis: leaseMillis, sleepMillis: 60),
                directory: directory, name: "pg-worker2")
        } pushMore: {
            Set(try await handle.laterMany((jobs / 2..<jobs).map(FaultArgs.init(n:))).map(\.id))
        }
        defer { second.discard() }
        let ids = firstHalf.union(secondHalf)
        let outcome = try await killAndRecover(
            first, output: out1, survivor: second, output: out2, ids: ids, queue: deferrable.backend.queue)
        #expect(outcome.allDone, "\(outcome.missing(from: ids).count) jobs never completed")
        #expect(outcome.settled)
        #expect(outcome.ranTwice.count <= 8, "only the killed worker's held jobs may run twice")
        // Lease + 1 s, plus the time the second worker needs for the jobs left at the kill (on a loaded machine).
        #expect(outcome.recovery <= .milliseconds(leaseMillis + 1000) + .seconds(3), "recovered after \(outcome.recovery)")
        #expect(try await deferrable.backend.errorQueue.count() == 0)
        report("postgres-sigkill", ["jobs": jobs, "inFlightAtKill": outcome.inFlightAtKill, "recoverySeconds": outcome.recovery])
    }

    @Test("A job that kills its worker on every run ends in the error queue after maxAttempts")
    func crashEveryRun() async throws {
        let url = try #require(PostgresFaultEnv.url)
        let maxAttempts = 3
        let schema = PostgresFaultEnv.uniqueSchema()
        let (factory, deferrable, handle) = try await PostgresFaultEnv.producer(
            url: url, schema: schema, defaults: JobDefaults(maxAttempts: maxAttempts))
        defer { Task { await factory.close() } }
        let directory = try makeTemporaryDirectory("pg-crash")
        defer { try? FileManager.default.removeItem(at: directory) }
        let id = try await handle.later(FaultArgs(n: 1)).id
        let out = directory.appendingPathComponent("crashes.txt")
        try await expectDeadLetteredAfterCrashes(
            id: id, errorQueue: deferrable.backend.errorQueue, maxAttempts: maxAttempts, output: out
        ) { round in
            try await ProcessRunner(
                arguments: Self.workerArguments(
                    url: url, schema: schema, group: deferrable.group, out: out, mode: "crash-every-job", concurrency: 1,
                    leaseMillis: 500),
                directory: directory, name: "pg-crash-\(round)")
        }
    }

    @Test("PostgreSQL restarted (fast shutdown) under load: every job whose later() returned is completed or dead-lettered")
    func restartUnderLoad() async throws {
        let server = try await PostgresServerProcess()
        defer { Task { await server.stopAndRemove() } }
        let schema = "fault"
        let directory = try makeTemporaryDirectory("pg-restart")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (factory, deferrable, _) = try await PostgresFaultEnv.producer(url: server.url, schema: schema)
        defer { Task { await factory.close() } }
        let produced = directory.appendingPathComponent("produced.txt")
        let done = directory.appendingPathComponent("done.txt")
        let jobs = 600
        let producer = try await ProcessRunner(
            arguments: [
                "--postgres", server.url, "--schema", schema, "--group", deferrable.group, "--mode", "produce",
                "--count", "\(jobs)", "--out", produced.path, "--max-seconds", "200",
            ], directory: directory, name: "pg-producer")
        defer { producer.discard() }
        let worker = try await ProcessRunner(
            arguments: Self.workerArguments(url: server.url, schema: schema, group: deferrable.group, out: done, sleepMillis: 5),
            directory: directory, name: "pg-restart-worker")
        defer { worker.discard() }
        try #require(await eventually(within: .seconds(60)) { readLines(produced).count >= jobs / 3 }, "\(producer.output)")
        try await server.restart(.fast)
        let producedAll = await eventually(within: .seconds(120)) { !producer.isRunning }
        #expect(producedAll, "the producer did not finish: \(producer.output)")
        let pushed = Set(readLines(produced))
        let finished = try await eventually(within: .seconds(60)) {
            let completed = Set(readLines(done))
            let failed = Set(try await deferrable.backend.errorQueue.list(offset: 0, limit: 10_000).map(\.id))
            return pushed.isSubset(of: completed.union(failed))
        }
        #expect(finished, "jobs whose later() returned were lost: \(worker.output)")
        report("postgres-restart", ["pushed": pushed.count, "completed": Set(readLines(done)).count])
    }

    @Test(
        "PostgreSQL stopped: later() throws a typed error within the timeout; a Worker resumes by itself after a restart and after its connections are terminated"
    )
    func stoppedAndTerminated() async throws {
        let server = try await PostgresServerProcess()
        defer { Task { await server.stopAndRemove() } }
        let factory = try PostgresBackendFactory(
            url: server.url,
            settings: PostgresBackendSettings(schema: "fault", safetyPollInterval: .milliseconds(200), operationTimeout: .seconds(2)),
            logger: quietLogger())
        defer { Task { await factory.close() } }
        try await factory.migrate()
        let deferrable = try Deferrable(factory: factory, group: "outage", logger: quietLogger())
        let ran = Locked<Set<Int>>([])
        let job = try deferrable.register("work") { (n: Int, _) in _ = ran.withLock { $0.insert(n) } }
        let worker = Worker(deferrable, configuration: .init(concurrency: 2))
        let running = Task { try await worker.run() }
        defer { worker.shutdownGracefully() }
        try await job.later(1)
        try #require(await eventually(within: .seconds(20)) { ran.value.contains(1) })

        await server.stop(.fast)
        let start = ContinuousClock.now
        var pushError: (any Error)?
        do { try await job.later(2) } catch { pushError = error }
        let failedAfter = start.duration(to: .now)
        #expect(
            pushError is PostgresBackendError || pushError is PSQLError,
            "later() with the server down must throw the backend's typed error, not \(String(describing: pushError))")
        #expect(failedAfter < .seconds(4), "later() failed after \(failedAfter)")

        try await server.start()
        // The pushes are retried by the test until the server is back (the first may still fail).
        try #require(
            await eventually(within: .seconds(30)) {
                (try? await job.later(3)) != nil
            })
        try #require(await eventually(within: .seconds(30)) { ran.value.contains(3) }, "the worker did not resume")

        // The server ends every other connection (the worker's pool and its listening connection).
        try await factory.client.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database()")
        try #require(
            await eventually(within: .seconds(30)) {
                (try? await job.later(4)) != nil
            })
        try #require(await eventually(within: .seconds(30)) { ran.value.contains(4) }, "the worker did not survive")
        worker.shutdownGracefully()
        try await running.value
        report("postgres-outage", ["laterFailedAfterSeconds": failedAfter])
    }
}

/// What the environment offers the PostgreSQL fault tests.
enum PostgresFaultEnv {
    static var url: String? { ProcessInfo.processInfo.environment["POSTGRES_URL"] }

    static func uniqueSchema() -> String {
        "fault_\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// A migrated factory and a producer instance with `fault-job` registered as a no-op.
    static func producer(url: String, schema: String, defaults: JobDefaults = JobDefaults()) async throws -> (
        PostgresBackendFactory, Deferrable, JobHandle<FaultArgs>
    ) {
        let factory = try PostgresBackendFactory(url: url, settings: PostgresBackendSettings(schema: schema), logger: quietLogger())
        try await factory.migrate()
        let deferrable = try Deferrable(factory: factory, group: uniqueGroup(), defaults: defaults, logger: quietLogger())
        let handle = try deferrable.register("fault-job") { (_: FaultArgs, _: JobContext) in }
        return (factory, deferrable, handle)
    }
}
