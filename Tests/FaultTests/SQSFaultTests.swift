import Deferrable
import DeferrableSQS
import DeferrableTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Real worker processes on the SQS backend (the moto emulator at `SQS_ENDPOINT`) that die: SIGKILLed with jobs in
/// flight, and killed by a job on every run.
@Suite(
    "SQS faults", .serialized, .enabled(if: SQSFaultEnv.endpoint != nil, "needs SQS_ENDPOINT"), .timeLimit(.minutes(4)))
struct SQSFaultTests {
    static func workerArguments(
        endpoint: String, group: String, out: URL, mode: String = "work", concurrency: Int = 4, leaseMillis: Int = 2000,
        sleepMillis: Int = 20, maxAttempts: Int = 25
    ) -> [String] {
        [
            "--sqs", endpoint, "--key-prefix", SQSFaultEnv.prefix, "--group", group, "--mode", mode, "--concurrency",
            "\(concurrency)", "--lease-ms", "\(leaseMillis)", "--sleep-ms", "\(sleepMillis)", "--max-attempts", "\(maxAttempts)",
            "--out", out.path, "--max-seconds", "200",
        ]
    }

    @Test("SIGKILL of a worker with jobs in flight: every job completes, the killed worker's jobs within lease + 1 s")
    func sigkill() async throws {
        let endpoint = try #require(SQSFaultEnv.endpoint)
        let jobs = 120
        let leaseMillis = 2000
        let (factory, deferrable, handle) = try SQSFaultEnv.producer(endpoint: endpoint)
        defer { Task { await factory.close() } }
        let directory = try makeTemporaryDirectory("sqs-kill")
        defer { try? FileManager.default.removeItem(at: directory) }
        let firstHalf = Set(try await handle.laterMany((0..<jobs / 2).map(FaultArgs.init(n:))).map(\.id))
        let out1 = directory.appendingPathComponent("out1.txt")
        let out2 = directory.appendingPathComponent("out2.txt")
        let first = try await ProcessRunner(
            arguments: Self.workerArguments(
                endpoint: endpoint, group: deferrable.group, out: out1, leaseMillis: leaseMillis, sleepMillis: 60),
            directory: directory, name: "sqs-worker1")
        defer { first.discard() }
        try #require(
            await eventually(within: .seconds(60)) { readLines(out1).count >= jobs / 6 },
            "the first worker did not complete a third of the first half: \(first.output)")
        // The second worker runs before the kill, so the recovery time is the backend's, not a process start.
        let (second, secondHalf) = try await startSurvivor(output: out2) {
            try await ProcessRunner(
                arguments: Self.workerArguments(
                    endpoint: endpoint, group: deferrable.group, out: out2, leaseMillis: leaseMillis, sleepMillis: 60),
                directory: directory, name: "sqs-worker2")
        } pushMore: {
            Set(try await handle.laterMany((jobs / 2..<jobs).map(FaultArgs.init(n:))).map(\.id))
        }
        defer { second.discard() }
        let ids = firstHalf.union(secondHalf)
        let outcome = try await killAndRecover(
            first, output: out1, survivor: second, output: out2, ids: ids, queue: deferrable.backend.queue)
        #expect(outcome.allDone, "\(outcome.missing(from: ids).count) jobs never completed")
        #expect(outcome.settled)
        // The killed worker's held jobs (its 4 slots) run twice; SQS's at-least-once delivery may add a few more.
        #expect(outcome.ranTwice.count <= 8, "only the killed worker's held jobs may run twice")
        // Lease + 1 s, plus the time the second worker needs for the jobs left at the kill (on a loaded machine).
        #expect(outcome.recovery <= .milliseconds(leaseMillis + 1000) + .seconds(5), "recovered after \(outcome.recovery)")
        #expect(try await deferrable.backend.errorQueue.count() == 0)
        report("sqs-sigkill", ["jobs": jobs, "inFlightAtKill": outcome.inFlightAtKill, "recoverySeconds": outcome.recovery])
    }

    @Test("A job that kills its worker on every run ends in the error queue after maxAttempts")
    func crashEveryRun() async throws {
        let endpoint = try #require(SQSFaultEnv.endpoint)
        let maxAttempts = 3
        let (factory, deferrable, handle) = try SQSFaultEnv.producer(endpoint: endpoint, defaults: JobDefaults(maxAttempts: maxAttempts))
        defer { Task { await factory.close() } }
        let directory = try makeTemporaryDirectory("sqs-crash")
        defer { try? FileManager.default.removeItem(at: directory) }
        let id = try await handle.later(FaultArgs(n: 1)).id
        let out = directory.appendingPathComponent("crashes.txt")
        try await expectDeadLetteredAfterCrashes(
            id: id, errorQueue: deferrable.backend.errorQueue, maxAttempts: maxAttempts, output: out
        ) { round in
            try await ProcessRunner(
                arguments: Self.workerArguments(
                    endpoint: endpoint, group: deferrable.group, out: out, mode: "crash-every-job", concurrency: 1,
                    leaseMillis: 1000, maxAttempts: maxAttempts),
                directory: directory, name: "sqs-crash-\(round)")
        }
    }
}

enum SQSFaultEnv {
    static var endpoint: String? { ProcessInfo.processInfo.environment["SQS_ENDPOINT"] }
    static let prefix = "fault"

    /// A factory on the emulator and a producer instance with `fault-job` registered as a no-op.
    static func producer(endpoint: String, defaults: JobDefaults = JobDefaults()) throws -> (
        SQSBackendFactory, Deferrable, JobHandle<FaultArgs>
    ) {
        // The emulator checks the signature's form, not the key.
        let factory = try SQSBackendFactory(
            region: "us-east-1", credentials: AWSCredentials(accessKeyID: "AKIDTESTING", secretAccessKey: "testing-secret"),
            endpoint: endpoint, queuePrefix: prefix)
        let deferrable = try Deferrable(factory: factory, group: uniqueGroup(), defaults: defaults, logger: quietLogger())
        let handle = try deferrable.register("fault-job") { (_: FaultArgs, _: JobContext) in }
        return (factory, deferrable, handle)
    }
}
