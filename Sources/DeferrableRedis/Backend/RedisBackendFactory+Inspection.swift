import Deferrable

/// The groups a factory's store holds, for tools and dashboards (read-only).
extension RedisBackendFactory: GroupCatalog {
    /// Whether `group` is registered under this factory's key prefix (see ``knownGroups()``) or has jobs,
    /// error-queue entries or worker heartbeats now.
    public func isKnownGroup(_ group: String) async throws -> Bool {
        if try await client.send(RedisCommand("SISMEMBER", "\(settings.keyPrefix):groups", group)).int == 1 {
            return true
        }
        let keys = RedisKeys(prefix: settings.keyPrefix, group: group)
        let existing = try await client.send(RedisCommand(["EXISTS"] + keys.queueKeys + keys.errorKeys + [keys.workers])).int ?? 0
        return existing > 0
    }
}
