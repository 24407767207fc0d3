import Deferrable
import DeferrableTestSupport
import DeferrableTesting
import Testing

/// The test kit that users' tests use.
@Suite("DeferrableTestKit")
struct DeferrableTestKitTests {
    struct Mail: Codable, Sendable, Equatable {
        var to: String
    }

    struct Flaky: Error {}

    static let mail = JobName<Mail>("mail", options: JobOptions(maxAttempts: 3, retry: .always, backoff: .fixed(.seconds(30))))

    @Test("pushes are recorded in order with their arguments, per job name")
    func recordsPushes() async throws {
        let kit = DeferrableTestKit()
        let app = try kit.instance(group: "app")
        try await app.later(Self.mail, Mail(to: "a@example.com"))
        let other = try app.register("other") { (_: Int, _) in }
        try await other.later(7)
        try await app.later(Self.mail, Mail(to: "b@example.com"), options: PushOptions(delay: .seconds(60)))
        #expect(try kit.pushed(Self.mail) == [Mail(to: "a@example.com"), Mail(to: "b@example.com")])
        #expect(try kit.pushed("other", as: Int.self) == [7])
        #expect(kit.pushed.map(\.name) == ["mail", "other", "mail"])
        #expect(kit.pushed.last?.runnableAt == kit.clock.nowMillis() + 60_000)
        #expect(throws: (any Error).self) { try kit.pushed("other", as: Mail.self) }
        kit.forgetPushes()
        #expect(kit.pushed.isEmpty)
    }

    @Test("drain runs what is due now; advance moves the clock and runs what became due, retries included")
    func drainAndAdvance() async throws {
        let kit = DeferrableTestKit()
        let producer = try kit.instance(group: "mail")
        let worker = try kit.instance(group: "mail")
        let attempts = Locked(0)
        try worker.register(Self.mail) { _, context in
            attempts.withLock { $0 += 1 }
            if context.attempt == 1 { throw Flaky() }
        }
        try await producer.later(Self.mail, Mail(to: "c@example.com"))
        #expect(try await kit.drain(worker).map(\.label) == ["retried"])
        #expect(try await kit.advance(by: .seconds(29), draining: worker).isEmpty)
        #expect(try await kit.advance(by: .seconds(1), draining: worker).map(\.label) == ["completed"])
        #expect(attempts.value == 2)
    }

    @Test("a job that pushes itself at once forever ends the drain with a typed error")
    func endlessDrain() async throws {
        let kit = DeferrableTestKit()
        let app = try kit.instance()
        let handle = Locked<JobHandle<Int>?>(nil)
        handle.withLock {
            $0 = try? app.register("again") { (n: Int, _) in _ = try await handle.value?.later(n + 1) }
        }
        _ = try await handle.value?.later(0)
        await #expect(throws: DeferrableTestKitError.notDrained(limit: 50)) { try await kit.drain(app, limit: 50) }
    }
}
