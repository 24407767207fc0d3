import Deferrable
import DeferrableTestSupport
import Foundation
import Testing

/// The protocol form of a job, used by several tests.
struct RecordGreeting: DeferrableJob {
    static let name = "record-greeting"
    static let seen = Locked<[String]>([])

    let who: String

    func run(context: JobContext) async throws {
        Self.seen.append("\(context.name):\(who):\(context.id)")
    }
}

struct ProtocolJobWithOptions: DeferrableJob {
    static let name = "protocol-job-with-options"
    static var options: JobOptions { JobOptions(maxAttempts: 2, retry: .on(TransientError.self), backoff: .immediate) }
    static let runs = Locked(0)

    func run(context: JobContext) async throws {
        Self.runs.increment()
        throw TransientError()
    }
}

@Suite("Registration")
struct RegistrationTests {
    @Test("a closure job runs with its decoded arguments and context")
    func closureForm() async throws {
        let harness = try Harness()
        let seen = Locked<[Payload]>([])
        let contexts = Locked<[String]>([])
        let handle = try harness.deferrable.register("closure-job") { (args: Payload, context) in
            seen.append(args)
            contexts.append("\(context.name)|\(context.group)|\(context.attempt)|\(context.id)")
        }
        #expect(handle.name == "closure-job")
        let receipt = try await handle.later(Payload(n: 7))
        #expect(try await harness.run() == .completed(JobRef(id: receipt.id, name: "closure-job", group: harness.group)))
        #expect(seen.value == [Payload(n: 7)])
        #expect(contexts.value == ["closure-job|\(harness.group)|1|\(receipt.id)"])
    }

    @Test("a DeferrableJob type runs under its static name")
    func protocolForm() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register(RecordGreeting.self)
        #expect(handle.name == RecordGreeting.name)
        let who = UUID().uuidString
        let receipt = try await handle.later(RecordGreeting(who: who))
        #expect(try await harness.run() == .completed(JobRef(id: receipt.id, name: RecordGreeting.name, group: harness.group)))
        #expect(RecordGreeting.seen.value.contains("\(RecordGreeting.name):\(who):\(receipt.id)"))
    }

    @Test("a DeferrableJob's static options apply")
    func protocolOptions() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register(ProtocolJobWithOptions.self)
        let before = ProtocolJobWithOptions.runs.value
        try await handle.later(ProtocolJobWithOptions())
        let outcomes = try await harness.drain()
        #expect(outcomes.count == 2)
        #expect(outcomes.first?.isRetried == true)
        #expect(outcomes.last?.isFailed == true)
        #expect(ProtocolJobWithOptions.runs.value - before == 2)
        let entry = try await harness.onlyErrorEntry()
        #expect(entry?.error.attempts == 2)
    }

    @Test("registering a name twice throws duplicateJobName")
    func duplicateName() throws {
        let harness = try Harness()
        try harness.deferrable.register("dup") { (_: Payload, _) in }
        #expect(throws: DeferrableError.duplicateJobName("dup")) {
            try harness.deferrable.register("dup") { (_: EmptyArguments, _) in }
        }
        try harness.deferrable.register(RecordGreeting.self)
        #expect(throws: DeferrableError.duplicateJobName(RecordGreeting.name)) {
            try harness.deferrable.register(RecordGreeting.self)
        }
        #expect(harness.deferrable.registeredJobNames == ["dup", RecordGreeting.name].sorted())
    }

    @Test("an empty job name is refused")
    func emptyName() throws {
        let harness = try Harness()
        #expect {
            try harness.deferrable.register("") { (_: Payload, _) in }
        } throws: { error in
            guard case .invalidOption(_, let reason) = error as? DeferrableError else { return false }
            return reason.contains("empty")
        }
    }

    @Test("later returns a receipt with the id, name, group and runnableAt = now")
    func receipt() async throws {
        let harness = try Harness()
        let ids = Locked<[String]>([])
        let handle = try harness.deferrable.register("receipt-job") { (_: Payload, context) in ids.append(context.id) }
        harness.clock.advance(by: .milliseconds(1234))
        let receipt = try await handle.later(Payload(n: 1))
        #expect(!receipt.id.isEmpty)
        #expect(receipt.name == "receipt-job")
        #expect(receipt.group == harness.group)
        #expect(receipt.runnableAt == harness.clock.nowMillis())
        #expect(receipt.disposition == .pushedNow)
        #expect(receipt.runnableDate == Date(timeIntervalSince1970: Double(harness.clock.nowMillis()) / 1000))
        try await harness.run()
        #expect(ids.value == [receipt.id])
    }

    @Test("later() without arguments for EmptyArguments jobs")
    func emptyArguments() async throws {
        let harness = try Harness()
        let runs = Locked(0)
        let handle = try harness.deferrable.register("no-args") { (_: EmptyArguments, _) in runs.increment() }
        try await handle.later()
        try await harness.drain()
        #expect(runs.value == 1)
    }

    @Test(
        "laterMany pushes one job per element, in order, with distinct ids (large batches are encoded on several cores)",
        arguments: [25, 2003])
    func laterMany(count: Int) async throws {
        let harness = try Harness()
        let seen = Locked<[Int]>([])
        let handle = try harness.deferrable.register("many") { (args: Payload, _) in seen.append(args.n) }
        let receipts = try await handle.laterMany((0..<count).map(Payload.init(n:)))
        #expect(receipts.count == count)
        #expect(Set(receipts.map(\.id)).count == count)
        #expect(receipts.allSatisfy { $0.name == "many" && $0.disposition == .pushedNow })
        #expect(try await harness.deferrable.stats().available == count)
        let outcomes = try await harness.drain()
        #expect(outcomes.map(\.job?.id) == receipts.map(\.id))
        #expect(seen.value == Array(0..<count))
        #expect(harness.events.kinds.filter { $0 == .push }.count == count)
    }

    struct Measure: Codable, Sendable {
        var value: Double
    }

    @Test("a large batch with one argument that cannot be encoded fails whole: typed error, nothing pushed")
    func laterManyAllOrNothing() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("measures") { (_: Measure, _) in }
        var batch = (0..<2000).map { Measure(value: Double($0)) }
        batch[300].value = .infinity  // the first bad one, in another slice than the second
        batch[1500].value = .nan
        await #expect {
            try await handle.laterMany(batch)
        } throws: { error in
            guard case .argumentsNotEncodable(let job, let reason) = error as? DeferrableError else { return false }
            return job == "measures" && reason.contains("inf") && !reason.contains("nan")
        }
        #expect(try await harness.deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
        #expect(harness.events.kinds.isEmpty)
    }

    @Test("laterMany of nothing pushes nothing")
    func laterManyEmpty() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("many-empty") { (_: Payload, _) in }
        #expect(try await handle.laterMany([]).isEmpty)
        #expect(try await harness.deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
        #expect(harness.events.kinds.isEmpty)
    }

    @Test("a producer and a consumer on the same factory share the group's jobs")
    func producerConsumer() async throws {
        let shared = try SharedGroup()
        let (producer, consumer) = (shared.producer, shared.consumer)
        let seen = Locked<[Int]>([])
        let handle = try producer.register("shared") { (_: Payload, _) in Issue.record("the producer must not run it") }
        try consumer.register("shared") { (args: Payload, _) in seen.append(args.n) }
        try await handle.later(Payload(n: 3))
        #expect(try await consumer.runOnce(waitingUpTo: .zero).job?.name == "shared")
        #expect(seen.value == [3])
    }

    @Test("invalid group names are refused", arguments: ["", "has space", "a:b", "{tag}", String(repeating: "g", count: 65)])
    func invalidGroup(name: String) {
        #expect {
            _ = try Deferrable(factory: MemoryBackendFactory(), group: name)
        } throws: { error in
            guard case .invalidGroupName = error as? DeferrableError else { return false }
            return true
        }
    }
}
