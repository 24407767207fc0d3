import Deferrable
import DeferrableTestSupport
import Testing

/// The middleware chain around pushes, pops and runs.
@Suite("Middleware")
struct MiddlewareTests {
    /// Records what it sees under its label, and stamps pushes with it.
    struct Recorder: JobMiddleware {
        let label: String
        let log: Locked<[String]>

        func willPush(_ envelope: inout JobEnvelope) throws {
            log.withLock { $0.append("\(label).willPush") }
            envelope.metadata["stamp.\(label)"] = "yes"
        }

        func didPush(_ envelope: JobEnvelope, error: (any Error)?) async {
            log.withLock { $0.append("\(label).didPush(\(error == nil ? "ok" : "error"))") }
        }

        func didPop(_ envelope: JobEnvelope) async {
            log.withLock { $0.append("\(label).didPop") }
        }

        func run(_ envelope: JobEnvelope, context: JobContext, next: () async throws -> Void) async throws {
            log.withLock { $0.append("\(label).before") }
            try await next()
            log.withLock { $0.append("\(label).after") }
        }

        func didSettle(_ envelope: JobEnvelope?, outcome: RunOutcome) async {
            log.withLock { $0.append("\(label).didSettle(\(outcome.label))") }
        }
    }

    struct Refuse: JobMiddleware {
        struct Refused: Error {}
        func willPush(_ envelope: inout JobEnvelope) throws { throw Refused() }
    }

    struct Replace: JobMiddleware {
        struct Replaced: Error {}
        func run(_ envelope: JobEnvelope, context: JobContext, next: () async throws -> Void) async throws {
            try await next()
            throw Replaced()
        }
    }

    @Test("middleware runs in the order added: first to see a push, outermost around a run; the body sees its changes")
    func order() async throws {
        let harness = try Harness()
        let log = Locked<[String]>([])
        harness.deferrable.addMiddleware(Recorder(label: "a", log: log))
        harness.deferrable.addMiddleware(Recorder(label: "b", log: log))
        let handle = try harness.deferrable.register("m") { (_: Payload, context) in
            log.withLock { $0.append("body \(context.metadata["stamp.a"] ?? "-")\(context.metadata["stamp.b"] ?? "-")") }
        }
        try await handle.later(Payload(n: 1))
        #expect(try await harness.run().label == "completed")
        #expect(
            log.value == [
                "a.willPush", "b.willPush", "a.didPush(ok)", "b.didPush(ok)", "a.didPop", "b.didPop", "a.before", "b.before",
                "body yesyes", "b.after", "a.after", "a.didSettle(completed)", "b.didSettle(completed)",
            ])
    }

    @Test("a middleware that throws in willPush refuses the push, the whole batch with it")
    func refusedPush() async throws {
        let harness = try Harness()
        harness.deferrable.addMiddleware(Refuse())
        let handle = try harness.deferrable.register("r") { (_: Payload, _) in }
        await #expect(throws: Refuse.Refused.self) { try await handle.later(Payload(n: 1)) }
        await #expect(throws: Refuse.Refused.self) { try await handle.laterMany([Payload(n: 1), Payload(n: 2)]) }
        #expect(try await harness.deferrable.stats().available == 0)
    }

    @Test("what a middleware throws around a run is the run's error; the job is settled by it")
    func replacedError() async throws {
        let harness = try Harness()
        harness.deferrable.addMiddleware(Replace())
        let handle = try harness.deferrable.register("x") { (_: Payload, _) in }
        try await handle.later(Payload(n: 1))
        #expect(try await harness.run().label == "failed")
        let entry = try #require(try await harness.onlyErrorEntry())
        #expect(entry.error.type.hasSuffix("Replaced"))
    }

    @Test("a payload that does not decode reaches didSettle without an envelope, and no run hook")
    func malformed() async throws {
        let harness = try Harness()
        let log = Locked<[String]>([])
        harness.deferrable.addMiddleware(Recorder(label: "a", log: log))
        try await harness.queue.push(OutgoingJob(id: "bad", payload: Array("not json".utf8)))
        #expect(try await harness.run().label == "failed")
        #expect(log.value == ["a.didSettle(failed)"])
        harness.deferrable.removeAllMiddleware()
    }
}
