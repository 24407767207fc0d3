import Synchronization

/// Adds a group to the set of known groups once per backend, so tools can discover groups.
final class GroupRegistration: Sendable {
    private let done = Atomic<Bool>(false)

    func registerOnce(client: RedisClient, keys: RedisKeys, group: String) async throws {
        guard !done.load(ordering: .relaxed) else { return }
        _ = try await client.send(RedisCommand("SADD", keys.groups, group))
        done.store(true, ordering: .relaxed)
    }
}
