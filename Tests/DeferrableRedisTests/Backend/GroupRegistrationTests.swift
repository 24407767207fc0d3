import Deferrable
import DeferrableRedis
import Foundation
import Testing

/// `P:groups` is a global key: producers and consumers limited to their group's keys must work without it.
@Suite("Redis group registration is best effort", .enabled(if: ProcessInfo.processInfo.environment["REDIS_URL"] != nil))
struct GroupRegistrationTests {
    let url = ProcessInfo.processInfo.environment["REDIS_URL"] ?? ""

    @Test("an ACL user limited to its group's keys can push, debounce and run jobs")
    func aclLimitedToGroupKeys() async throws {
        let admin = try RedisBackendFactory(url: url)
        let prefix = "acl-\(UUID().uuidString.prefix(8).lowercased())"
        let group = "g"
        let user = "deferrable-test-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await admin.client.send(
            RedisCommand("ACL", "SETUSER", user, "reset", "on", ">pw", "~\(prefix):{\(group)}:*", "+@all"))
        do {
            try await runAsLimitedUser(user, prefix: prefix, group: group)
        } catch {
            Issue.record("as a user limited to the group's keys: \(error)")
        }
        _ = try await admin.client.send(RedisCommand("ACL", "DELUSER", user))
        await admin.close()
    }

    private func runAsLimitedUser(_ user: String, prefix: String, group: String) async throws {
        var configuration = try RedisConfiguration(url: url)
        configuration.username = user
        configuration.password = "pw"
        let factory = RedisBackendFactory(configuration: configuration, settings: RedisBackendSettings(keyPrefix: prefix))
        let deferrable = try Deferrable(factory: factory, group: group, debouncer: RedisDebouncer(factory: factory))
        let job = try deferrable.register("j") { (_: Int, _) in }
        let debounced = try deferrable.register("d", options: JobOptions(debounce: .leading(.seconds(30)))) { (_: Int, _) in }
        let delayed = try deferrable.register("late", options: JobOptions(delay: .seconds(60))) { (_: Int, _) in }

        try await job.later(1)
        try await job.laterMany([2, 3])
        try await delayed.later(4)
        #expect(try await debounced.later(5).disposition == .pushedNow)
        var outcomes: [RunOutcome] = []
        for _ in 0..<4 { outcomes.append(try await deferrable.runOnce(waitingUpTo: .zero)) }
        #expect(outcomes.allSatisfy { if case .completed = $0 { true } else { false } }, "\(outcomes)")
        #expect(try await deferrable.stats().delayed == 1)
        try await deferrable.flush()
        await factory.close()
    }
}
