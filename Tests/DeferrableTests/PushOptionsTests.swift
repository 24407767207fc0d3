import Deferrable
import DeferrableTestSupport
import Foundation
import Testing

/// Options of one push over the registered ones.
@Suite("Push options")
struct PushOptionsTests {
    @Test("a push's delay replaces the registered one; a run-at date in the past runs at once")
    func delayAndRunAt() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("d", options: JobOptions(delay: .seconds(60))) { (_: Payload, _) in }
        let now = harness.clock.nowMillis()
        let soon = try await handle.later(Payload(n: 1), options: PushOptions(delay: .seconds(5)))
        #expect(soon.runnableAt == now + 5000)
        #expect(soon.disposition == .delayed)
        let at = Date(timeIntervalSince1970: Double(now + 20_000) / 1000)
        let dated = try await handle.later(Payload(n: 2), options: PushOptions(runAt: at))
        #expect(dated.runnableAt == now + 20_000)
        let past = try await handle.later(Payload(n: 3), options: PushOptions(runAt: Date(timeIntervalSince1970: 0)))
        #expect(past.disposition == .pushedNow)
        let registered = try await handle.later(Payload(n: 4))
        #expect(registered.runnableAt == now + 60_000, "a push without options keeps the registered delay")
        #expect(try await harness.run().label == "completed")
        harness.clock.advance(by: .seconds(5))
        #expect(try await harness.run().label == "completed")
        #expect(try await harness.run() == .empty)
    }

    @Test("a push's maxAttempts and ttl replace the registered ones")
    func attemptsAndTTL() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("a", options: JobOptions(maxAttempts: 9)) { (_: Payload, context) in
            #expect(context.maxAttempts == 1)
            throw JobControl.failNow("once")
        }
        try await handle.later(Payload(n: 1), options: PushOptions(maxAttempts: 1, ttl: .seconds(1)))
        let envelope = try #require(harness.events.events.first { $0.kind == .push }?.envelope)
        #expect(envelope.maxAttempts == 1)
        #expect(envelope.ttlMillis == 1000)
        try await handle.later(Payload(n: 2), options: PushOptions(ttl: .seconds(1)))
        harness.clock.advance(by: .seconds(2))
        let outcomes = try await harness.drain()
        #expect(outcomes.map(\.label) == ["expired", "expired"])
    }

    @Test("a push's metadata reaches the job beside the providers'; a key that is a provider's namespace is refused")
    func metadata() async throws {
        let harness = try Harness()
        try harness.deferrable.addMetadataProvider(RequestIDProvider())
        let seen = Locked<[String: String]>([:])
        let handle = try harness.deferrable.register("m") { (_: Payload, context) in seen.withLock { $0 = context.metadata } }
        try await RequestIDProvider.$current.withValue("req-1") {
            try await handle.later(Payload(n: 1), options: PushOptions(metadata: ["tenant": "acme"]))
        }
        #expect(try await harness.run().label == "completed")
        #expect(seen.value == ["request-id": "req-1", "tenant": "acme"])
        await RequestIDProvider.$current.withValue("req-2") {
            await #expect(throws: DeferrableError.self) {
                try await handle.later(Payload(n: 2), options: PushOptions(metadata: ["request-id": "forged"]))
            }
        }
    }

    @Test("invalid push options are typed errors and push nothing")
    func invalid() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("i") { (_: Payload, _) in }
        let bad: [PushOptions] = [
            PushOptions(delay: .seconds(1), runAt: Date()),
            PushOptions(delay: .seconds(-1)),
            PushOptions(maxAttempts: 0),
            PushOptions(ttl: .zero),
            PushOptions(delay: .seconds(10), ttl: .seconds(5)),
        ]
        for options in bad {
            await #expect(throws: DeferrableError.self) { try await handle.later(Payload(n: 1), options: options) }
            await #expect(throws: DeferrableError.self) { try await handle.laterMany([Payload(n: 1)], options: options) }
        }
        #expect(try await harness.deferrable.stats() == QueueStats(available: 0, inFlight: 0, delayed: 0, errors: 0))
    }

    @Test("a debounced job refuses a push's delay: its debouncer decides when it runs")
    func debounced() async throws {
        let clock = ManualClock()
        let deferrable = try Deferrable(
            factory: MemoryBackendFactory(clock: clock), group: uniqueGroup(), clock: clock, debouncer: MemoryDebouncer(clock: clock))
        let handle = try deferrable.register("deb", options: JobOptions(debounce: .leading(.seconds(5)))) { (_: Payload, _) in }
        await #expect(throws: DeferrableError.self) {
            try await handle.later(Payload(n: 1), options: PushOptions(delay: .seconds(1)))
        }
        try await handle.later(Payload(n: 1), options: PushOptions(maxAttempts: 2))
    }

    @Test("laterMany applies the options to every job of the batch")
    func batch() async throws {
        let harness = try Harness()
        let handle = try harness.deferrable.register("b") { (_: Payload, _) in }
        let receipts = try await handle.laterMany((0..<3).map(Payload.init(n:)), options: PushOptions(delay: .seconds(2)))
        #expect(receipts.allSatisfy { $0.disposition == .delayed })
        #expect(try await harness.deferrable.stats().delayed == 3)
    }
}
