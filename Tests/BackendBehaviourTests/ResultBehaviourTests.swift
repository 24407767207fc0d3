import Deferrable
import DeferrableTestSupport
import Testing

/// Job results and futures on each backend: every terminal state, waiting, rebuilding a future from an id.
@Suite("Result behaviour")
struct ResultBehaviourTests {
    struct Sum: Codable, Sendable, Equatable {
        var total: Int
    }

    struct PaymentDeclined: CodableJobError, Equatable {
        var code: String
    }

    struct Double: DeferrableResultJob {
        static let name = "double"
        var n: Int
        func run(context: JobContext) async throws -> Int { n * 2 }
    }

    @Test("a completed job's value is read by its future, any number of times", arguments: TestBackend.keepingRecords)
    func completed(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let add = try deferrable.register("add", returning: Sum.self) { (args: [Int], _) in Sum(total: args.reduce(0, +)) }
        let future = try await add.later([1, 2, 3])
        #expect(try await future.isDone() == false)
        #expect(try await runEventually(deferrable).label == "completed")
        #expect(try await future.isDone())
        #expect(try await future.result(waitingUpTo: .zero) == Sum(total: 6))
        #expect(try await future.result(waitingUpTo: .seconds(1)) == Sum(total: 6))
        let record = try await future.record(waitingUpTo: .zero)
        #expect(record.state == .completed)
        #expect(record.name == "add")
        #expect(record.group == deferrable.group)
        #expect(try await deferrable.backend.results?.count() == 1)
    }

    @Test("a waiter started before the run is resumed with the value", arguments: TestBackend.keepingRecords)
    func waitsForTheRun(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let double = try deferrable.register(Double.self)
        let future = try await double.later(Double(n: 21))
        #expect(try await Self.value(of: future, whileRunningOn: deferrable) == 42)
    }

    /// `count` instances on one fresh group of one factory: as separate processes would be.
    private static func instances(_ backend: TestBackend, _ count: Int) async throws -> [Deferrable] {
        let factory = try await backend.makeFactory()
        let group = TestBackend.uniqueGroup()
        return try (0..<count).map { _ in try Deferrable(factory: factory, group: group) }
    }

    /// The error record a failed job's future throws (`nil`, and an issue, for anything else).
    private static func failure<Value>(of future: JobFuture<Value>) async -> ErrorRecord? {
        do {
            _ = try await future.result(waitingUpTo: .zero)
        } catch JobResultError.failed(_, let record) {
            return record
        } catch {
            Issue.record("expected a failed record, got \(error)")
            return nil
        }
        Issue.record("the future returned a value")
        return nil
    }

    /// Starts a wait for `future`'s value, runs one job on `consumer` (it must complete), and returns what the wait got.
    private static func value<Value>(of future: JobFuture<Value>, whileRunningOn consumer: Deferrable) async throws -> Value {
        let waiter = Task { try await future.result(waitingUpTo: patience) }
        #expect(try await runEventually(consumer).label == "completed")
        return try await within(patience, "the waiter") { try await waiter.value }
    }

    @Test("not done within the wait is its own error, and the future stays usable", arguments: TestBackend.keepingRecords)
    func notDone(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let double = try deferrable.register(Double.self)
        let future = try await double.later(Double(n: 1))
        await #expect(throws: JobResultError.notDone(jobID: future.id, waited: .zero)) {
            try await future.result(waitingUpTo: .zero)
        }
        await #expect(throws: JobResultError.notDone(jobID: future.id, waited: .milliseconds(50))) {
            try await future.result(waitingUpTo: .milliseconds(50))
        }
        _ = try await runEventually(deferrable)
        #expect(try await future.result(waitingUpTo: .zero) == 2)
    }

    @Test(
        "a failed job's future throws its error record (the last error once every attempt is used)",
        arguments: TestBackend.keepingRecords, [1, 2])
    func failed(backend: TestBackend, maxAttempts: Int) async throws {
        let deferrable = try await backend.makeDeferrable()
        let options = JobOptions(maxAttempts: maxAttempts, retry: .always, backoff: .fixed(.zero))
        let job = try deferrable.register("fails", returning: Int.self, options: options) { (_: Numbered, _) -> Int in
            throw BoomError()
        }
        let future = try await job.later(Numbered(n: 1))
        for _ in 1..<maxAttempts { #expect(try await runEventually(deferrable).label == "retried") }
        #expect(try await runEventually(deferrable).isFailed)
        let record = await Self.failure(of: future)
        #expect(record?.type == "BoomError")
        #expect(record?.attempts == maxAttempts)
    }

    @Test("a future follows retries and reschedules until the job completes", arguments: TestBackend.keepingRecords)
    func followsRetries(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let runs = Locked(0)
        let options = JobOptions(maxAttempts: 3, retry: .always, backoff: .fixed(.zero))
        let job = try deferrable.register("flaky", returning: Int.self, options: options) { (_: Numbered, _) -> Int in
            let run = runs.withLock {
                $0 += 1
                return $0
            }
            if run == 1 { throw BoomError() }
            if run == 2 { throw JobControl.reschedule(after: .milliseconds(10)) }
            return run
        }
        let future = try await job.later(Numbered(n: 1))
        let waiter = Task { try await future.result(waitingUpTo: patience) }
        #expect(try await runEventually(deferrable).label == "retried")
        #expect(try await future.isDone() == false)
        #expect(try await runEventually(deferrable).label == "rescheduled")
        #expect(try await future.isDone() == false)
        #expect(try await runEventually(deferrable).label == "completed")
        #expect(try await within(patience, "the waiter") { try await waiter.value } == 3)
    }

    @Test("an expired job's future says it expired", arguments: TestBackend.keepingRecords)
    func expired(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let job = try deferrable.register("short-lived", returning: Int.self, options: JobOptions(ttl: .milliseconds(50))) {
            (_: Numbered, _) -> Int in 1
        }
        let future = try await job.later(Numbered(n: 1))
        // The TTL is a wall-clock condition: wait it out, then the consumer finds the job expired.
        try await Task.sleep(for: .milliseconds(120))
        #expect(try await runEventually(deferrable).label == "expired")
        await #expect(throws: JobResultError.expired(jobID: future.id)) { try await future.result(waitingUpTo: .zero) }
    }

    @Test("a discarded job's future gives the reason", arguments: TestBackend.keepingRecords)
    func discarded(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let job = try deferrable.register("discards", returning: Int.self) { (_: Numbered, _) -> Int in
            throw JobControl.discard("not needed")
        }
        let future = try await job.later(Numbered(n: 1))
        #expect(try await runEventually(deferrable).label == "discarded")
        await #expect(throws: JobResultError.discarded(jobID: future.id, reason: "not needed")) {
            try await future.result(waitingUpTo: .zero)
        }
    }

    @Test("a value over the result limit completes the job with result not kept", arguments: TestBackend.keepingRecords)
    func tooLarge(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable(defaults: JobDefaults(maxResultBytes: 16))
        let job = try deferrable.register("big", returning: String.self) { (n: Numbered, _) in String(repeating: "x", count: n.n) }
        let small = try await job.later(Numbered(n: 3))
        let big = try await job.later(Numbered(n: 100))
        #expect(try await drain(deferrable).map(\.label) == ["completed", "completed"])
        #expect(try await small.result(waitingUpTo: .zero) == "xxx")
        await #expect(throws: JobResultError.resultNotKept(jobID: big.id, reason: .tooLarge(size: 102, limit: 16))) {
            try await big.result(waitingUpTo: .zero)
        }
    }

    @Test("no such job: done, and result not kept", arguments: TestBackend.keepingRecords)
    func missing(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let future = try deferrable.future(for: "no-such-job", as: Int.self)
        #expect(try await future.isDone())
        await #expect(throws: JobResultError.resultNotKept(jobID: "no-such-job", reason: .missing)) {
            try await future.result(waitingUpTo: .seconds(1))
        }
    }

    @Test("a future rebuilt from the id on another instance reads the result", arguments: TestBackend.keepingRecords)
    func rebuilt(backend: TestBackend) async throws {
        let all = try await Self.instances(backend, 3)
        let (producer, consumer, collector) = (all[0], all[1], all[2])
        let produced = try producer.register(Double.self)
        _ = try consumer.register(Double.self)
        let id = try await produced.later(Double(n: 5)).id
        let future = try collector.future(for: id, as: Int.self)
        #expect(try await Self.value(of: future, whileRunningOn: consumer) == 10)
    }

    @Test("a job unknown to the consumer fails its future as UnknownJob", arguments: TestBackend.keepingRecords)
    func unknownToConsumer(backend: TestBackend) async throws {
        let all = try await Self.instances(backend, 2)
        let (producer, consumer) = (all[0], all[1])
        let future = try await producer.register(Double.self).later(Double(n: 5))
        #expect(try await runEventually(consumer).isFailed)
        #expect(await Self.failure(of: future)?.type == "UnknownJob")
    }

    @Test("a consumer whose registration returns nothing completes the future with result not kept", arguments: TestBackend.keepingRecords)
    func consumerReturnsNothing(backend: TestBackend) async throws {
        let all = try await Self.instances(backend, 2)
        let (producer, consumer) = (all[0], all[1])
        let future = try await producer.register(Double.self).later(Double(n: 5))
        _ = try consumer.register(Double.name) { (_: Double, _) in }
        #expect(try await runEventually(consumer).label == "completed")
        await #expect(throws: JobResultError.resultNotKept(jobID: future.id, reason: .noValue)) {
            try await future.result(waitingUpTo: .zero)
        }
    }

    @Test("a failed job requeued from the error queue is pending again, then gives its new result", arguments: TestBackend.keepingRecords)
    func requeued(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let fail = Locked(true)
        let job = try deferrable.register("second-time", returning: Int.self) { (n: Numbered, _) -> Int in
            if fail.value { throw BoomError() }
            return n.n
        }
        let future = try await job.later(Numbered(n: 9))
        #expect(try await runEventually(deferrable).isFailed)
        #expect(await Self.failure(of: future)?.type == "BoomError")
        fail.withLock { $0 = false }
        #expect(try await deferrable.errors.requeue(id: future.id))
        #expect(try await future.isDone() == false)
        #expect(try await Self.value(of: future, whileRunningOn: deferrable) == 9)
    }

    @Test("the job's own error type is re-raised only where it is registered", arguments: TestBackend.keepingRecords)
    func typedErrors(backend: TestBackend) async throws {
        let all = try await Self.instances(backend, 2)
        let (deferrable, other) = (all[0], all[1])
        let options = JobOptions(resultErrors: [PaymentDeclined.self])
        let charge = try deferrable.register("charge", returning: Int.self, options: options) { (_: Numbered, _) -> Int in
            throw PaymentDeclined(code: "insufficient-funds")
        }
        let future = try await charge.later(Numbered(n: 1))
        #expect(try await runEventually(deferrable).isFailed)
        await #expect(throws: PaymentDeclined(code: "insufficient-funds")) { try await future.result(waitingUpTo: .zero) }
        // Another process that did not register the type gets the text record.
        let record = await Self.failure(of: try other.future(for: future.id, as: Int.self))
        #expect(record?.type == "PaymentDeclined")
        #expect(record?.message.contains("insufficient-funds") == true)
        // Registering the type on the future itself is enough.
        let typed = try other.future(for: future.id, as: Int.self, errors: [PaymentDeclined.self])
        await #expect(throws: PaymentDeclined(code: "insufficient-funds")) { try await typed.result(waitingUpTo: .zero) }
    }

    @Test("a type the consumer did not register is stored as text only", arguments: TestBackend.keepingRecords)
    func typedErrorsNeedTheConsumer(backend: TestBackend) async throws {
        let all = try await Self.instances(backend, 2)
        let (producer, consumer) = (all[0], all[1])
        let handle = try producer.register("charge", returning: Int.self, options: JobOptions(resultErrors: [PaymentDeclined.self])) {
            (_: Numbered, _) -> Int in 0
        }
        _ = try consumer.register("charge", returning: Int.self) { (_: Numbered, _) -> Int in throw PaymentDeclined(code: "x") }
        let future = try await handle.later(Numbered(n: 1))
        #expect(try await runEventually(consumer).isFailed)
        let record = try await future.record(waitingUpTo: .zero)
        #expect(record.typedError == nil)
        await #expect(throws: JobResultError.self) { try await future.result(waitingUpTo: .zero) }
    }

    @Test("a waiting task is cancelled promptly", arguments: TestBackend.keepingRecords)
    func cancellation(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let future = try await deferrable.register(Double.self).later(Double(n: 1))
        let waiter = Task { try await future.result(waitingUpTo: .seconds(600)) }
        // Cancelled whether the wait has begun or not: either way it must end with CancellationError.
        waiter.cancel()
        let ended = try await within(patience, "the cancelled waiter") { await waiter.result }
        #expect(throws: CancellationError.self) { try ended.get() }
        _ = try await runEventually(deferrable)
        #expect(try await future.result(waitingUpTo: .zero) == 2)
    }

    @Test("a job that returns nothing stores nothing", arguments: TestBackend.keepingRecords)
    func fireAndForget(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let plain = try deferrable.register("plain") { (_: Numbered, _) in }
        let receipt = try await plain.later(Numbered(n: 1))
        #expect(try await runEventually(deferrable).label == "completed")
        #expect(try await deferrable.backend.results?.count() == 0)
        #expect(try await deferrable.backend.results?.lookup(id: receipt.id) == .unknown)
    }

    @Test("a flush removes the stored results", arguments: TestBackend.keepingRecords)
    func flush(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let future = try await deferrable.register(Double.self).later(Double(n: 3))
        _ = try await runEventually(deferrable)
        #expect(try await deferrable.backend.results?.count() == 1)
        try await deferrable.flush()
        #expect(try await deferrable.backend.results?.count() == 0)
        await #expect(throws: JobResultError.resultNotKept(jobID: future.id, reason: .missing)) {
            try await future.result(waitingUpTo: .zero)
        }
    }

    @Test("many waiters of one job all get the value", arguments: TestBackend.keepingRecords)
    func manyWaiters(backend: TestBackend) async throws {
        let deferrable = try await backend.makeDeferrable()
        let future = try await deferrable.register(Double.self).later(Double(n: 4))
        let waiters = (0..<20).map { _ in Task { try await future.result(waitingUpTo: patience) } }
        _ = try await runEventually(deferrable)
        for waiter in waiters { #expect(try await within(patience, "a waiter") { try await waiter.value } == 8) }
    }
}
