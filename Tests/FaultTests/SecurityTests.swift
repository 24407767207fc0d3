import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import InMemoryLogging
import Logging
import Testing

/// Only registered jobs run, the envelope size limit holds at both ends, credentials never leak, and key
/// prefixes isolate applications.
@Suite("Security", .serialized, .timeLimit(.minutes(2)))
struct SecurityTests {
    struct Blob: Codable, Sendable { var text: String }

    @Test(
        "An envelope naming an unregistered job never runs: it goes to the error queue as UnknownJob",
        .enabled(if: FaultEnv.hasRedis, "needs REDIS_URL"))
    func onlyRegisteredJobsRun() async throws {
        let prefix = uniquePrefix("names")
        let group = uniqueGroup()
        let factory = try makeQuietFactory(prefix: prefix)
        // The producer knows a job the consumer does not.
        let producer = try Deferrable(factory: factory, group: group, logger: quietLogger())
        let admin = try producer.register("admin-reset") { (_: Blob, _: JobContext) in }
        let consumer = try Deferrable(factory: factory, group: group, logger: quietLogger())
        let ran = Locked(0)
        try consumer.register("harmless") { (_: Blob, _: JobContext) in ran.withLock { $0 += 1 } }
        let receipt = try await admin.later(Blob(text: "drop everything"))
        let outcome = try await consumer.runOnce(waitingUpTo: .seconds(5))
        guard case .failed(let ref, let reason) = outcome else {
            Issue.record("expected .failed, got \(outcome)")
            return
        }
        #expect(ref.id == receipt.id)
        #expect(reason.hasPrefix("UnknownJob"))
        let entry = try #require(try await consumer.backend.errorQueue.entry(id: receipt.id))
        #expect(entry.error.type == "UnknownJob")
        #expect(entry.error.message.contains("admin-reset"))
        #expect(ran.value == 0)
        report("unknown-job", ["pushed": 1, "ran": 0, "errorType": entry.error.type])
        _ = try await consumer.backend.errorQueue.purge()
        await factory.close()
    }

    @Test("The maximum envelope size is enforced at later() and at pop", .enabled(if: FaultEnv.hasRedis, "needs REDIS_URL"))
    func envelopeSizeLimit() async throws {
        let prefix = uniquePrefix("size")
        let group = uniqueGroup()
        let limit = 2048
        let factory = try makeQuietFactory(prefix: prefix)
        let strict = try Deferrable(factory: factory, group: group, defaults: JobDefaults(maxEnvelopeBytes: limit), logger: quietLogger())
        let strictJob = try strict.register("blob") { (_: Blob, _: JobContext) in }
        let big = Blob(text: String(repeating: "x", count: limit))

        // At later(): a typed error, and nothing is pushed.
        do {
            try await strictJob.later(big)
            Issue.record("later() accepted an envelope over the limit")
        } catch let error as DeferrableError {
            guard case .envelopeTooLarge(let job, let size, let reported) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(job == "blob" && size > limit && reported == limit)
        }
        #expect(try await strict.backend.queue.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
        // A batch with one oversized element pushes nothing either.
        await #expect(throws: DeferrableError.self) { try await strictJob.laterMany([Blob(text: "small"), big]) }
        #expect(try await strict.backend.queue.stats().available == 0)

        // At pop: a producer with a larger limit pushes it; the strict consumer refuses to decode it.
        let lax = try Deferrable(factory: factory, group: group, defaults: JobDefaults(maxEnvelopeBytes: limit * 4), logger: quietLogger())
        let laxJob = try lax.register("blob") { (_: Blob, _: JobContext) in }
        let receipt = try await laxJob.later(big)
        let outcome = try await strict.runOnce(waitingUpTo: .seconds(5))
        guard case .failed = outcome else {
            Issue.record("expected .failed, got \(outcome)")
            return
        }
        let entry = try #require(try await strict.backend.errorQueue.entry(id: receipt.id))
        #expect(entry.error.type == "MalformedEnvelope")
        #expect(entry.error.message.contains("exceeds"))
        #expect(entry.error.message.contains("\(limit)"))
        report("size-limit", ["limit": limit, "rejectedAtLater": 2, "rejectedAtPop": 1])
        _ = try await strict.backend.errorQueue.purge()
        await factory.close()
    }

    @Test("Key prefixes isolate two applications on one Redis", .enabled(if: FaultEnv.hasRedis, "needs REDIS_URL"))
    func keyPrefixIsolation() async throws {
        let group = uniqueGroup()
        let prefixA = uniquePrefix("app-a")
        let prefixB = uniquePrefix("app-b")
        let factoryA = RedisBackendFactory(
            configuration: try RedisConfiguration(url: FaultEnv.url), settings: RedisBackendSettings(keyPrefix: prefixA),
            logger: quietLogger())
        let factoryB = RedisBackendFactory(
            configuration: try RedisConfiguration(url: FaultEnv.url), settings: RedisBackendSettings(keyPrefix: prefixB),
            logger: quietLogger())
        let appA = try Deferrable(factory: factoryA, group: group, logger: quietLogger())
        let appB = try Deferrable(factory: factoryB, group: group, logger: quietLogger())
        let ranA = Locked<Set<String>>([])
        let ranB = Locked<Set<String>>([])
        let jobA = try appA.register("same-name") { (_: Blob, context: JobContext) in ranA.withLock { _ = $0.insert(context.id) } }
        let jobB = try appB.register("same-name") { (_: Blob, context: JobContext) in ranB.withLock { _ = $0.insert(context.id) } }
        let failA = try appA.register("fails") { (_: Blob, _: JobContext) in throw JobControl.failNow("a's failure") }

        let pushedA = Set(try await jobA.laterMany((0..<50).map { Blob(text: "a\($0)") }).map(\.id))
        _ = try await failA.later(Blob(text: "a-fail"))
        // B sees nothing of A: no jobs, no errors, no groups.
        #expect(try await appB.runOnce(waitingUpTo: .milliseconds(300)) == .empty)
        #expect(try await appB.backend.queue.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
        #expect(try await factoryB.knownGroups().isEmpty)
        let pushedB = Set(try await jobB.laterMany((0..<50).map { Blob(text: "b\($0)") }).map(\.id))
        while try await appA.runOnce(waitingUpTo: .zero) != .empty {}
        while try await appB.runOnce(waitingUpTo: .zero) != .empty {}
        #expect(ranA.value == pushedA)
        #expect(ranB.value == pushedB)
        #expect(try await appA.backend.errorQueue.count() == 1)
        #expect(try await appB.backend.errorQueue.count() == 0)
        // A flush of B leaves A alone.
        _ = try await jobA.later(Blob(text: "still here"))
        try await appB.backend.queue.flush()
        _ = try await appB.backend.errorQueue.purge()
        #expect(try await appA.backend.queue.stats().available == 1)
        #expect(try await appA.backend.errorQueue.count() == 1)
        report("prefix-isolation", ["jobsPerApp": 50, "crossRuns": ranA.value.intersection(ranB.value).count])
        try await appA.backend.queue.flush()
        _ = try await appA.backend.errorQueue.purge()
        await factoryA.close()
        await factoryB.close()
    }

    @Test(
        "Password and ACL user via the URL; credentials never appear in errors or logs",
        .enabled(if: FaultEnv.canStartRedis, "needs redis-server on PATH"))
    func credentials() async throws {
        let password = "s3cr3t-Pa55word-4242"
        let alicePassword = "wonderland-7f1c"
        let wrongPassword = "not-the-pa55word-999"
        let server = try await RedisServerProcess(arguments: [
            "--requirepass", password, "--user", "alice", "on", ">\(alicePassword)", "~*", "&*", "+@all",
        ])
        defer { server.discard() }
        let capture = InMemoryLogHandler()
        var descriptions: [String] = []
        let group = uniqueGroup()

        // Jobs run through both URL forms.
        var ran = 0
        for url in ["redis://:\(password)@127.0.0.1:\(server.port)", "redis://alice:\(alicePassword)@127.0.0.1:\(server.port)/0"] {
            let configuration = try RedisConfiguration(url: url)
            descriptions += [String(describing: configuration), String(reflecting: configuration), configuration.redactedURL]
            var dumped = ""
            dump(configuration, to: &dumped)
            descriptions.append(dumped)
            let factory = RedisBackendFactory(
                configuration: configuration, settings: RedisBackendSettings(keyPrefix: uniquePrefix("auth")),
                logger: capture.logger(label: "redis"))
            let deferrable = try Deferrable(factory: factory, group: group, logger: capture.logger(label: "deferrable"))
            let job = try deferrable.register("auth-job") { (args: Blob, context: JobContext) in
                context.logger.info("running", metadata: ["text": "\(args.text)"])
            }
            let receipt = try await job.later(Blob(text: "hello"))
            let outcome = try await deferrable.runOnce(waitingUpTo: .seconds(5))
            #expect(outcome == .completed(JobRef(id: receipt.id, name: "auth-job", group: group)), "\(configuration)")
            if case .completed = outcome { ran += 1 }
            await factory.close()
        }

        // Wrong credentials, no credentials, and a closed port: typed errors that never echo a password.
        let failing = [
            "redis://:\(wrongPassword)@127.0.0.1:\(server.port)",
            "redis://alice:\(wrongPassword)@127.0.0.1:\(server.port)",
            "redis://127.0.0.1:\(server.port)",
            "redis://alice:\(password)@127.0.0.1:\(try freeLoopbackPort())",
        ]
        var typedFailures = 0
        for url in failing {
            let factory = RedisBackendFactory(
                configuration: try RedisConfiguration(url: url), settings: RedisBackendSettings(keyPrefix: uniquePrefix("auth")),
                logger: capture.logger(label: "redis"))
            let deferrable = try Deferrable(factory: factory, group: group, logger: capture.logger(label: "deferrable"))
            let job = try deferrable.register("auth-job") { (_: Blob, _: JobContext) in }
            do {
                _ = try await job.later(Blob(text: "x"))
                Issue.record("later() succeeded with \(factory.client.configuration)")
            } catch let error as RedisError {
                typedFailures += 1
                descriptions += [String(describing: error), String(reflecting: error), error.localizedDescription]
            }
            do {
                _ = try await deferrable.runOnce(waitingUpTo: .zero)
                Issue.record("runOnce succeeded with \(factory.client.configuration)")
            } catch {
                descriptions += [String(describing: error), String(reflecting: error)]
            }
            await factory.close()
        }
        // URLs that do not parse: the error names the fault, not the password.
        for url in [
            "redis://:\(password)@127.0.0.1:notaport", "redis://alice:\(password)@[::1",
            "rediss://:\(password)@localhost?tls_min_version=9",
            "http://:\(password)@localhost", "redis://:\(password)@host/db#frag",
        ] {
            do {
                _ = try RedisConfiguration(url: url)
                Issue.record("parsed \(url.replacingOccurrences(of: password, with: "***"))")
            } catch {
                descriptions += [String(describing: error), String(reflecting: error)]
            }
        }

        let logs = capture.entries.map(\.text)
        for secret in [password, alicePassword, wrongPassword] {
            let leakedInErrors = descriptions.filter { $0.contains(secret) }
            let leakedInLogs = logs.filter { $0.contains(secret) }
            #expect(leakedInErrors.isEmpty, "password in error descriptions: \(leakedInErrors)")
            #expect(leakedInLogs.isEmpty, "password in log lines: \(leakedInLogs)")
        }
        #expect(ran == 2)
        #expect(typedFailures == failing.count)
        #expect(!logs.isEmpty, "nothing was logged: the capture is not wired")
        report(
            "credentials",
            [
                "urlForms": 2, "jobsRun": ran, "failingURLs": failing.count, "descriptionsChecked": descriptions.count,
                "logLinesChecked": logs.count, "leaks": 0,
            ])
    }
}
