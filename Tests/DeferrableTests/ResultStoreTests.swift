@_spi(Testing) import Deferrable
import DeferrableTestSupport
import Testing

/// The in-memory result store: expiry by TTL on the injected clock, its bound, and what it gives back; the options
/// and wire fields of results.
@Suite("Result store")
struct ResultStoreTests {
    struct Square: DeferrableResultJob {
        static let name = "square"
        var n: Int
        func run(context: JobContext) async throws -> Int { n * n }
    }

    private static func instance(
        clock: ManualClock, maxStoredResults: Int = 1_000_000, defaults: JobDefaults = JobDefaults()
    ) throws -> (MemoryBackendFactory, Deferrable) {
        let factory = MemoryBackendFactory(clock: clock, maxStoredResults: maxStoredResults)
        return (factory, try Deferrable(factory: factory, group: "results", defaults: defaults, clock: clock))
    }

    @Test("a result disappears once its TTL has passed; a job TTL overrides the instance's")
    func expiry() async throws {
        let clock = ManualClock()
        let (_, deferrable) = try Self.instance(clock: clock, defaults: JobDefaults(resultTTL: .seconds(60)))
        let long = try deferrable.register(Square.self)
        let short = try deferrable.register("short", returning: Int.self, options: JobOptions(resultTTL: .seconds(5))) {
            (n: Int, _) in n
        }
        let kept = try await long.later(Square(n: 3))
        let brief = try await short.later(7)
        _ = try await deferrable.runOnce(waitingUpTo: .zero)
        _ = try await deferrable.runOnce(waitingUpTo: .zero)
        #expect(try await deferrable.backend.results?.count() == 2)
        clock.advance(by: .seconds(5) - .milliseconds(1))
        #expect(try await brief.result(waitingUpTo: .zero) == 7, "kept until its TTL has passed")
        clock.advance(by: .milliseconds(1))
        await #expect(throws: JobResultError.resultNotKept(jobID: brief.id, reason: .missing)) {
            try await brief.result(waitingUpTo: .zero)
        }
        #expect(try await kept.result(waitingUpTo: .zero) == 9)
        #expect(try await deferrable.backend.results?.count() == 1)
        clock.advance(by: .seconds(55))
        #expect(try await deferrable.backend.results?.count() == 0)
        #expect(try await kept.isDone(), "no record and no job: done, nothing to read")
    }

    @Test("the store keeps at most maxStoredResults: one more drops the record that expires first")
    func bounded() async throws {
        let clock = ManualClock()
        let (_, deferrable) = try Self.instance(clock: clock, maxStoredResults: 3)
        let square = try deferrable.register(Square.self)
        var futures: [JobFuture<Int>] = []
        for n in 0..<4 {
            futures.append(try await square.later(Square(n: n)))
            _ = try await deferrable.runOnce(waitingUpTo: .zero)
            clock.advance(by: .milliseconds(1))
        }
        #expect(try await deferrable.backend.results?.count() == 3)
        await #expect(throws: JobResultError.resultNotKept(jobID: futures[0].id, reason: .missing)) {
            try await futures[0].result(waitingUpTo: .zero)
        }
        #expect(try await futures[3].result(waitingUpTo: .zero) == 9)
    }

    @Test("a waiter whose deadline passes gets notDone; a flush ends waits with result not kept")
    func waitersEnd() async throws {
        let factory = MemoryBackendFactory()
        let deferrable = try Deferrable(factory: factory, group: "waits")
        let square = try deferrable.register(Square.self)
        let first = try await square.later(Square(n: 2))
        await #expect(throws: JobResultError.notDone(jobID: first.id, waited: .milliseconds(30))) {
            try await first.result(waitingUpTo: .milliseconds(30))
        }
        let waiter = Task { try await first.result(waitingUpTo: .seconds(60)) }
        try await eventually("the waiter waits") { factory.resultWaiters(group: "waits") == 1 }
        try await deferrable.flush()
        let ended = try await within(.seconds(10), "the waiter after the flush") { await waiter.result }
        #expect(throws: JobResultError.resultNotKept(jobID: first.id, reason: .missing)) { try ended.get() }
    }

    @Test("extreme waits neither trap nor hang: negative asks once, huge is cancellable")
    func extremeWaits() async throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "extreme")
        let future = try await deferrable.register(Square.self).later(Square(n: 2))
        await #expect(throws: JobResultError.notDone(jobID: future.id, waited: .zero)) {
            try await future.result(waitingUpTo: .seconds(-5))
        }
        let waiter = Task { try await future.result(waitingUpTo: .seconds(Int64.max)) }
        _ = try await deferrable.runOnce(waitingUpTo: .zero)
        #expect(try await within(.seconds(10), "the huge wait") { try await waiter.value } == 4)
    }

    @Test("a waiter of a job whose envelope cannot be read is resumed when the job leaves the queue")
    func unreadableEnvelope() async throws {
        let factory = MemoryBackendFactory()
        let deferrable = try Deferrable(factory: factory, group: "garbage")
        try await deferrable.backend.queue.push(OutgoingJob(id: "garbage", payload: Array("not json".utf8), keepsResult: true))
        let future = try deferrable.future(for: "garbage", as: Int.self)
        let waiter = Task { try await future.result(waitingUpTo: .seconds(600)) }
        try await eventually("the waiter waits") { factory.resultWaiters(group: "garbage") == 1 }
        #expect(try await deferrable.runOnce(waitingUpTo: .zero).isFailed)
        let ended = try await within(.seconds(10), "the waiter") { await waiter.result }
        #expect(throws: JobResultError.resultNotKept(jobID: "garbage", reason: .missing)) { try ended.get() }
    }

    @Test("a value that cannot be encoded completes the job with result not kept")
    func notEncodable() async throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "nan")
        let job = try deferrable.register("nan", returning: Swift.Double.self) { (_: Int, _) in .nan }
        let future = try await job.later(1)
        #expect(try await deferrable.runOnce(waitingUpTo: .zero).label == "completed")
        await #expect {
            try await future.result(waitingUpTo: .zero)
        } throws: { error in
            guard case JobResultError.resultNotKept(_, .notEncodable) = error else { return false }
            return true
        }
    }

    @Test("a backend without a result store refuses jobs that return a value and futures")
    func notSupported() async throws {
        let inner = try MemoryBackendFactory().makeBackend(group: "plain")
        let deferrable = try Deferrable(backend: InterceptingBackend(inner: inner))
        #expect(throws: DeferrableError.resultsNotSupported(group: "plain")) {
            try deferrable.register(Square.self)
        }
        #expect(throws: DeferrableError.resultsNotSupported(group: "plain")) {
            try deferrable.future(for: "x", as: Int.self)
        }
        #expect(throws: DeferrableError.self) { try Deferrable(factory: MemoryBackendFactory(), group: "g").future(for: "", as: Int.self) }
    }

    @Test("result options out of range are refused")
    func options() throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "options")
        for ttl in [Duration.zero, .microseconds(999), .milliseconds(-1), EnvelopeBounds.longestDuration + .milliseconds(1)] {
            #expect(throws: DeferrableError.self) {
                try deferrable.register("r\(ttl)", returning: Int.self, options: JobOptions(resultTTL: ttl)) { (_: Int, _) in 0 }
            }
            #expect(throws: DeferrableError.self) {
                try Deferrable(factory: MemoryBackendFactory(), group: "d", defaults: JobDefaults(resultTTL: ttl))
            }
        }
        #expect(throws: DeferrableError.self) {
            try Deferrable(factory: MemoryBackendFactory(), group: "d", defaults: JobDefaults(maxResultBytes: 0))
        }
    }

    @Test("only jobs that return a value carry a result TTL, which is range-checked at decode")
    func envelopeField() async throws {
        let clock = ManualClock()
        let (_, deferrable) = try Self.instance(clock: clock, defaults: JobDefaults(resultTTL: .seconds(90)))
        _ = try deferrable.register(Square.self)
        let plain = try deferrable.register("plain") { (_: Int, _) in }
        let observed = Locked<[String: Int64?]>([:])
        deferrable.onEvent { event in
            if event.kind == .push, let envelope = event.envelope { observed.withLock { $0[envelope.name] = envelope.resultTTLMillis } }
        }
        _ = try await deferrable.register("x", returning: Int.self) { (_: Int, _) in 0 }.later(1)
        try await plain.later(1)
        #expect(observed.value["x"] == .some(90_000))
        #expect(observed.value["plain"] == .some(nil))
        var envelope = JobEnvelope(id: "e", name: "x", group: "g", argsJSON: Array("1".utf8), maxAttempts: 1, firstPushedAt: 0)
        envelope.resultTTLMillis = 5
        #expect(try EnvelopeCodec.decode(EnvelopeCodec.encode(envelope)) == envelope)
        for bad: Int64 in [0, -1, EnvelopeBounds.longestDurationMillis + 1] {
            envelope.resultTTLMillis = bad
            #expect(throws: EnvelopeError.invalidField("resultTTL")) { try EnvelopeCodec.decode(EnvelopeCodec.encode(envelope)) }
        }
    }
}
