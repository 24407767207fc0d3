import Logging

extension RedisClient {
    /// Opens a connection to the server of `configuration`, sends `PING` and closes it, logging nothing.
    ///
    /// Meant for start-up checks: it fails with the error a first command would meet (an unreachable server, a
    /// server that does not answer within the connect timeout, rejected credentials), so a program can report
    /// it in one line and stop instead of riding out an outage it was never meant to start in.
    /// - Throws: ``RedisError``.
    public static func checkReachable(_ configuration: RedisConfiguration) async throws {
        var quiet = Logger(label: "deferrable.redis.check")
        quiet.logLevel = .critical
        let client = RedisClient(configuration: configuration, logger: quiet)
        do {
            _ = try await client.send(RedisCommand("PING"))
        } catch {
            await client.close()
            throw error
        }
        await client.close()
    }
}
