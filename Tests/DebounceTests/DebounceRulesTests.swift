import Deferrable
import DeferrableRedis
import Foundation
import Synchronization
import Testing

@Suite("Debounce rules")
struct DebounceRulesTests {
    @Test func debounceWithoutDebouncerIsRejectedAtRegistration() throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "no-debouncer")
        #expect(throws: DeferrableError.self) {
            try deferrable.register("touch", options: JobOptions(debounce: .leading(.seconds(1)))) { (_: Int, _) in }
        }
    }

    @Test func delayAndDebounceCannotBeCombined() throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "both", debouncer: MemoryDebouncer())
        #expect(throws: DeferrableError.self) {
            try deferrable.register(
                "touch", options: JobOptions(delay: .seconds(1), debounce: .leading(.seconds(1)))
            ) { (_: Int, _) in }
        }
    }

    @Test func windowMustBePositiveAndWithinTTL() throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "window", debouncer: MemoryDebouncer())
        #expect(throws: DeferrableError.self) {
            try deferrable.register("zero", options: JobOptions(debounce: .leading(.milliseconds(0)))) { (_: Int, _) in }
        }
        #expect(throws: DeferrableError.self) {
            try deferrable.register(
                "long", options: JobOptions(ttl: .seconds(1), debounce: .leading(.seconds(2)))
            ) { (_: Int, _) in }
        }
    }

    @Test("extend needs a maxWait of at least one window, and no longer than the ttl when there is one")
    func extendMaxWaitIsValidated() throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "extend-rules", debouncer: MemoryDebouncer())
        #expect(throws: DeferrableError.self) {
            try deferrable.register(
                "short", options: JobOptions(debounce: .extend(.seconds(2), maxWait: .seconds(1)))
            ) { (_: Int, _) in }
        }
        #expect(throws: DeferrableError.self) {
            try deferrable.register("unbounded", options: JobOptions(ttl: .seconds(30), debounce: .extend(.seconds(1)))) {
                (_: Int, _) in
            }
        }
        #expect(throws: DeferrableError.self) {
            try deferrable.register(
                "past-ttl", options: JobOptions(ttl: .seconds(30), debounce: .extend(.seconds(1), maxWait: .seconds(60)))
            ) { (_: Int, _) in }
        }
        try deferrable.register(
            "fine", options: JobOptions(ttl: .seconds(30), debounce: .extend(.seconds(1), maxWait: .seconds(20)))
        ) { (_: Int, _) in }
        try deferrable.register("no-ttl", options: JobOptions(debounce: .extend(.seconds(1)))) { (_: Int, _) in }
    }

    @Test func debounceEventsAreFired() async throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "events", debouncer: MemoryDebouncer())
        let kinds = KindLog()
        deferrable.onEvent { kinds.append($0.kind) }
        let job = try deferrable.register("touch", options: JobOptions(debounce: .alwaysDelay(.seconds(5)))) { (_: Int, _) in }
        try await job.later(1)
        try await job.later(1)
        #expect(kinds.all == [.debounceMiss, .push, .debounceHit])
    }

    @Test("groups never share debounce keys")
    func groupsAreSeparate() async throws {
        let factory = MemoryBackendFactory()
        let debouncer = MemoryDebouncer()
        let a = try Deferrable(factory: factory, group: "group-a", debouncer: debouncer)
        let b = try Deferrable(factory: factory, group: "group-b", debouncer: debouncer)
        let jobA = try a.register("touch", options: JobOptions(debounce: .alwaysDelay(.seconds(5)))) { (_: Int, _) in }
        let jobB = try b.register("touch", options: JobOptions(debounce: .alwaysDelay(.seconds(5)))) { (_: Int, _) in }
        #expect(try await jobA.later(1).disposition == .delayed)
        #expect(try await jobB.later(1).disposition == .delayed)
    }

    @Test("a debouncer that did nothing fails open by default: pushed now, debounceError fired")
    func failOpen() async throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "fail-open", debouncer: UnavailableDebouncer())
        let kinds = KindLog()
        deferrable.onEvent { kinds.append($0.kind) }
        let job = try deferrable.register("touch", options: JobOptions(debounce: .leading(.seconds(1)))) { (_: Int, _) in }
        let receipt = try await job.later(1)
        #expect(receipt.disposition == .pushedNow)
        #expect(kinds.all == [.debounceError, .push])
        #expect(try await deferrable.stats().available == 1)
    }

    @Test("a failing debouncer with failClosed throws and pushes nothing")
    func failClosed() async throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "fail-closed", debouncer: FailingDebouncer())
        let job = try deferrable.register(
            "touch", options: JobOptions(debounce: .leading(.seconds(1), onFailure: .failClosed))
        ) { (_: Int, _) in }
        await #expect(throws: DeferrableError.self) { try await job.later(1) }
        #expect(try await deferrable.stats().available == 0)
    }

    @Test("Redis debouncer whose Redis is down fails open within the connect timeout")
    func redisDownFailsOpen() async throws {
        var configuration = RedisConfiguration(host: "127.0.0.1", port: 1)
        configuration.connectTimeout = .milliseconds(500)
        let debouncer = RedisDebouncer(client: RedisClient(configuration: configuration))
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: "redis-down", debouncer: debouncer)
        let job = try deferrable.register("touch", options: JobOptions(debounce: .leading(.seconds(1)))) { (_: Int, _) in }
        let started = ContinuousClock.now
        let receipt = try await job.later(1)
        #expect(receipt.disposition == .pushedNow)
        // Bounded by the connect timeout and its retries, not by a hang (generous for a loaded machine).
        #expect(ContinuousClock.now - started < .seconds(6))
    }

    @Test(
        "50 concurrent producers on one key: one pushed now, one delayed, the rest joined",
        .enabled(if: DebounceSetup.redisURL != nil))
    func concurrentProducersOnRedis() async throws {
        let factory = try RedisBackendFactory(url: DebounceSetup.redisURL!)
        let deferrable = try Deferrable(
            factory: factory, group: "deb-race-\(UUID().uuidString.prefix(8))", debouncer: RedisDebouncer(factory: factory))
        let job = try deferrable.register("touch", options: JobOptions(debounce: .leading(.seconds(5)))) { (_: Int, _) in }
        let receipts = try await withThrowingTaskGroup(of: JobReceipt.self) { group in
            for _ in 0..<50 { group.addTask { try await job.later(42) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(receipts.filter { $0.disposition == .pushedNow }.count == 1)
        #expect(receipts.filter { $0.disposition == .delayed }.count == 1)
        #expect(receipts.filter { $0.disposition == .joined }.count == 48)
        let stats = try await deferrable.stats()
        #expect(stats.available == 1)
        #expect(stats.delayed == 1)
        try await deferrable.flush()
    }
}

struct FailingDebouncer: Debouncer {
    struct Broken: Error {}
    func submit(_ request: DebounceRequest, to backend: any Backend) async throws -> DebounceDecision {
        throw Broken()
    }
}

final class KindLog: Sendable {
    private let kinds = Mutex<[DeferrableEvent.Kind]>([])
    func append(_ kind: DeferrableEvent.Kind) {
        guard kind != .empty else { return }
        kinds.withLock { $0.append(kind) }
    }
    var all: [DeferrableEvent.Kind] { kinds.withLock { $0 } }
}
