// A small worker/producer process for the fault tests (Tests/FaultTests). Not a product.
//
//   deferrable-fault-worker (--redis URL | --postgres URL [--schema S] | --sqs ENDPOINT) --group G --mode work|crash-every-job|fail-every-job|produce
//       [--count N] [--concurrency C] [--out FILE] [--lease-ms L] [--sleep-ms S]
//       [--max-attempts A] [--key-prefix P] [--max-seconds T] [--log-level warning] [--downstream-port PORT]
//   deferrable-fault-worker --redis URL --group G --mode wait-result --id ID --wait-ms W --out FILE
//   deferrable-fault-worker --redis URL --group G --mode produce-results --count N --out FILE
//   deferrable-fault-worker (--redis URL | --postgres URL [--schema S]) --group G --mode worker [--concurrency C] [--heartbeat-ms H]
//
// Modes:
// - work: C slots call `runOnce` in a loop (backing off on backend errors) and run the job `fault-job`,
//   whose body sleeps S ms and then appends its job id and a newline to FILE with one `write(2)` (so a line
//   survives a SIGKILL of this process). With `--count N` the process exits 0 after N completed runs.
// - crash-every-job: like work, but the job body appends `crash <id>` to FILE and ends the process at once
//   with `_exit(137)`, the status of a SIGKILLed process: the job's lease is never settled.
// - fail-every-job: like work, but the job body appends `fail <id>` to FILE and throws, so the job goes to the
//   error queue once its attempts are used up (every error is final unless the job retries it: at once).
// - produce: pushes N `fault-job`s one at a time and appends the id of every `later()` that returned;
//   a failed `later()` is retried (with a fresh id) after a short pause.
// - wait-result: rebuilds the future of the job ID (a `fault-result` job, which returns its `n` times 2) from its id,
//   waits up to W ms for its value and appends `value <v>` or `error <description>` to FILE, then exits 0.
// - produce-results: pushes N `fault-result` jobs in one batch and appends their ids, then exits 0.
// - worker: runs the jobs with a `Worker` of C slots that beats every H ms (default 500), until killed.
// Every mode registers `fault-result` and `fault-mixed`, so `work` runs those jobs too. `fault-mixed` ends by its
// `n` modulo 5: 0 fails to the error queue (one attempt), 1 throws a retried error on its first attempt and then
// succeeds, 2 is discarded, 3 and 4 succeed; each run first appends `<outcome> <id>` to FILE (`failed`, `retried`,
// `discarded`, `succeeded`), so a test can compare the task statistics with what the runs recorded.
//
// With --downstream-port (Redis only), every mode also registers `fault-downstream` (FaultDownstream.swift): a job
// that goes through the circuit breaker `fault-downstream` shared through Redis (3 failures in a row open it for 1 s)
// and connects to 127.0.0.1:PORT, appending `call <id>` before and `done <id> <attempt>` after a connection.
//
// With --postgres the jobs live in PostgreSQL (schema S, default `deferrable`, migrated at start) instead of Redis.
// With --sqs they live in the SQS queues of the endpoint ENDPOINT (region us-east-1, the queue prefix is --key-prefix,
// test credentials: the emulator checks the signature's form only).
//
// The process always ends after `--max-seconds` (default 120) so that it can never outlive a test run.
import Deferrable
import DeferrablePostgres
import DeferrableRedis
import DeferrableSQS
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Arguments of the `fault-job` job.
struct FaultArgs: Codable, Sendable {
    var n: Int
}

struct Options {
    var redis = ""
    var postgres = ""
    var sqs = ""
    var schema = "deferrable"
    var group = ""
    var mode = "work"
    var downstreamPort = 0
    var count = 0
    var concurrency = 8
    var out: String?
    var leaseMillis = 1000
    var sleepMillis = 20
    var maxAttempts = 5
    var keyPrefix = "deferrable"
    var maxSeconds = 120
    var logLevel = Logger.Level.warning
    var id = ""
    var waitMillis = 10_000
    var heartbeatMillis = 500

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var index = 0
        func value(_ flag: String) -> String {
            index += 1
            guard index < arguments.count else { fail("missing value for \(flag)") }
            return arguments[index]
        }
        func number(_ flag: String) -> Int {
            let text = value(flag)
            guard let number = Int(text), number >= 0 else { fail("\(flag) needs a non-negative integer, got '\(text)'") }
            return number
        }
        while index < arguments.count {
            let flag = arguments[index]
            switch flag {
            case "--redis": options.redis = value(flag)
            case "--postgres": options.postgres = value(flag)
            case "--sqs": options.sqs = value(flag)
            case "--schema": options.schema = value(flag)
            case "--group": options.group = value(flag)
            case "--mode": options.mode = value(flag)
            case "--count": options.count = number(flag)
            case "--concurrency": options.concurrency = max(1, number(flag))
            case "--out": options.out = value(flag)
            case "--lease-ms": options.leaseMillis = max(1, number(flag))
            case "--sleep-ms": options.sleepMillis = number(flag)
            case "--max-attempts": options.maxAttempts = max(1, number(flag))
            case "--key-prefix": options.keyPrefix = value(flag)
            case "--max-seconds": options.maxSeconds = max(1, number(flag))
            case "--id": options.id = value(flag)
            case "--wait-ms": options.waitMillis = number(flag)
            case "--downstream-port": options.downstreamPort = number(flag)
            case "--heartbeat-ms": options.heartbeatMillis = max(1, number(flag))
            case "--log-level":
                let text = value(flag)
                guard let level = Logger.Level(rawValue: text) else { fail("unknown log level '\(text)'") }
                options.logLevel = level
            default: fail("unknown argument '\(flag)'")
            }
            index += 1
        }
        let backends = [options.redis, options.postgres, options.sqs].filter { !$0.isEmpty }.count
        guard backends == 1, !options.group.isEmpty else {
            fail("--group and one of --redis, --postgres and --sqs are required")
        }
        guard
            ["work", "crash-every-job", "fail-every-job", "produce", "wait-result", "produce-results", "worker"].contains(options.mode)
        else {
            fail("unknown mode '\(options.mode)'")
        }
        guard options.mode != "wait-result" || !options.id.isEmpty else { fail("--mode wait-result needs --id") }
        return options
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("deferrable-fault-worker: \(message)\n".utf8))
    exit(2)
}

/// Appends lines to a file with one `write(2)` per line (O_APPEND), so lines are whole and survive SIGKILL.
final class LineFile: Sendable {
    private let fd: Mutex<Int32>

    init(path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { fail("cannot open \(path): errno \(errno)") }
        self.fd = Mutex(fd)
    }

    func append(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        fd.withLock { fd in
            var written = 0
            while written < bytes.count {
                let result = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if result < 0 {
                    if errno == EINTR { continue }
                    fail("write failed: errno \(errno)")
                }
                written += result
            }
        }
    }
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let logger: Logger = {
    var logger = Logger(label: "fault-worker") { label in StreamLogHandler.standardError(label: label) }
    logger.logLevel = options.logLevel
    logger[metadataKey: "pid"] = "\(getpid())"
    return logger
}()

// Never outlive a test run.
Thread.detachNewThread {
    Thread.sleep(forTimeInterval: TimeInterval(options.maxSeconds))
    FileHandle.standardError.write(Data("deferrable-fault-worker: --max-seconds \(options.maxSeconds) reached\n".utf8))
    exit(3)
}

let output = options.out.map(LineFile.init(path:))
let factory: any BackendFactory
var redisFactory: RedisBackendFactory?
let closeFactory: @Sendable () async -> Void
let deferrable: Deferrable
do {
    if !options.sqs.isEmpty {
        let sqs = try SQSBackendFactory(
            region: "us-east-1", credentials: AWSCredentials(accessKeyID: "AKIDTESTING", secretAccessKey: "testing-secret"),
            endpoint: options.sqs, queuePrefix: options.keyPrefix)
        factory = sqs
        closeFactory = { await sqs.close() }
    } else if options.postgres.isEmpty {
        let redis = RedisBackendFactory(
            configuration: try RedisConfiguration(url: options.redis),
            settings: RedisBackendSettings(keyPrefix: options.keyPrefix, maxBlock: .milliseconds(500)),
            logger: logger)
        factory = redis
        redisFactory = redis
        closeFactory = { await redis.close() }
    } else {
        let postgres = try PostgresBackendFactory(
            url: options.postgres, settings: PostgresBackendSettings(schema: options.schema), logger: logger)
        // Retried while the server is starting or restarting.
        var attempt = 0
        while true {
            do {
                try await postgres.migrate()
                break
            } catch {
                attempt += 1
                if attempt >= 50 { throw error }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        factory = postgres
        closeFactory = { await postgres.close() }
    }
    deferrable = try Deferrable(
        factory: factory, group: options.group,
        defaults: JobDefaults(maxAttempts: options.maxAttempts, lease: .milliseconds(options.leaseMillis)),
        logger: logger)
} catch {
    fail("\(error)")
}

let completed = Atomic<Int>(0)
let crash = options.mode == "crash-every-job"
let failEveryJob = options.mode == "fail-every-job"

/// The error `fail-every-job` runs end with.
struct ScriptedFailure: Error, CustomStringConvertible {
    let description = "fail-every-job: this run fails on purpose"
}
let sleepMillis = options.sleepMillis
let target = options.count
let job: JobHandle<FaultArgs>
do {
    job = try deferrable.register("fault-job") { (_: FaultArgs, context: JobContext) in
        if crash {
            output?.append("crash \(context.id)")
            _exit(137)
        }
        if sleepMillis > 0 { try await Task.sleep(for: .milliseconds(sleepMillis)) }
        output?.append(failEveryJob ? "fail \(context.id)" : context.id)
        let done = completed.add(1, ordering: .relaxed).newValue
        if target > 0, done >= target {
            // Give the slot a moment to settle this run, then stop.
            Task {
                try? await Task.sleep(for: .milliseconds(200))
                exit(0)
            }
        }
        if failEveryJob { throw ScriptedFailure() }
    }
} catch {
    fail("\(error)")
}

/// Registered only on a backend that keeps results (SQS keeps none).
let resultJob: ResultJobHandle<FaultArgs, Int>?
do {
    resultJob =
        deferrable.backend.results == nil
        ? nil : try deferrable.register("fault-result", returning: Int.self) { (args: FaultArgs, _: JobContext) in args.n * 2 }
} catch {
    fail("\(error)")
}

/// The retried error of `fault-mixed`.
struct MixedRetry: Error {}

do {
    _ = try deferrable.register(
        "fault-mixed", options: JobOptions(maxAttempts: 2, retry: .on(MixedRetry.self), backoff: .immediate)
    ) { (args: FaultArgs, context: JobContext) in
        switch args.n % 5 {
        case 0:
            output?.append("failed \(context.id)")
            throw JobControl.failNow("fault-mixed fails by design")
        case 1 where context.attempt == 1:
            output?.append("retried \(context.id)")
            throw MixedRetry()
        case 2:
            output?.append("discarded \(context.id)")
            throw JobControl.discard("fault-mixed discards by design")
        default:
            output?.append("succeeded \(context.id)")
        }
    }
} catch {
    fail("\(error)")
}

if options.downstreamPort > 0 {
    guard let redisFactory else { fail("--downstream-port needs --redis") }
    do {
        try FaultDownstream.register(
            on: deferrable, store: RedisCircuitBreakerStore(factory: redisFactory), port: options.downstreamPort, output: output)
    } catch {
        fail("\(error)")
    }
}

/// Waits for the value of the `fault-result` job `--id` through a future rebuilt from the id.
func waitForResult() async {
    do {
        let future = try deferrable.future(for: options.id, as: Int.self)
        let value = try await future.result(waitingUpTo: .milliseconds(options.waitMillis))
        output?.append("value \(value)")
    } catch {
        output?.append("error \(error)")
    }
    await closeFactory()
}

/// Pushes `--count` `fault-result` jobs in one batch and appends their ids.
func produceResults() async {
    do {
        guard let resultJob else { fail("--mode produce-results needs a backend that keeps results") }
        let futures = try await resultJob.laterMany((0..<options.count).map { FaultArgs(n: $0) })
        for future in futures { output?.append(future.id) }
    } catch {
        fail("\(error)")
    }
    await closeFactory()
}

/// One consumer slot: `runOnce` forever, backing off (50 ms doubling to 1 s) while the backend fails.
func runSlot(_ slot: Int) async {
    var failures = 0
    while true {
        do {
            _ = try await deferrable.runOnce(waitingUpTo: .milliseconds(500))
            if failures > 0 { logger.notice("backend is back", metadata: ["slot": "\(slot)"]) }
            failures = 0
        } catch {
            failures += 1
            if failures == 1 { logger.warning("backend failed; backing off", metadata: ["slot": "\(slot)", "error": "\(error)"]) }
            let delay = min(50 * (1 << min(failures - 1, 5)), 1000)
            try? await Task.sleep(for: .milliseconds(delay))
        }
    }
}

func produce() async {
    var pushed = 0
    var failures = 0
    while pushed < options.count {
        do {
            let receipt = try await job.later(FaultArgs(n: pushed))
            output?.append(receipt.id)
            pushed += 1
            failures = 0
        } catch {
            failures += 1
            if failures == 1 { logger.warning("later() failed; retrying", metadata: ["error": "\(error)"]) }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
    await closeFactory()
}

FileHandle.standardError.write(Data("deferrable-fault-worker: pid \(getpid()) mode \(options.mode) ready\n".utf8))
switch options.mode {
case "produce":
    await produce()
case "wait-result":
    await waitForResult()
case "produce-results":
    await produceResults()
case "worker":
    let worker = Worker(
        deferrable,
        configuration: .init(concurrency: options.concurrency, heartbeatInterval: .milliseconds(options.heartbeatMillis)),
        logger: logger)
    try? await worker.run()
default:
    await withDiscardingTaskGroup { group in
        for slot in 0..<options.concurrency {
            group.addTask { await runSlot(slot) }
        }
    }
}
