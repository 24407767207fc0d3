import DeferrableRedis

extension RedisClient {
    /// How many clients of the server are blocked in a blocking command (`blocked_clients` of `INFO clients`).
    ///
    /// The count covers every client of the server: tests that wait on it run against a server of their own
    /// (``RedisServerProcess``), where each blocked client is one of theirs.
    public func blockedClients() async throws -> Int {
        let info = try await send(RedisCommand("INFO", "clients"))
        guard let text = info.string,
            let line = text.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("blocked_clients:") }),
            let count = Int(line.dropFirst("blocked_clients:".count))
        else { throw RedisError.protocolError("INFO clients has no blocked_clients count: \(info)") }
        return count
    }

    /// Waits until at least `count` clients of the server are blocked (see ``blockedClients()``), polling for up to
    /// `timeout`; throws ``TimedOut`` otherwise.
    public func waitUntilBlocked(_ count: Int = 1, _ what: String, timeout: Duration = .seconds(10)) async throws {
        try await eventually(what, timeout: timeout) { try await blockedClients() >= count }
    }
}
