import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Logging
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shared helpers for the Redis client tests.
enum ClientTestSupport {
    /// The Redis under test, from `REDIS_URL`; tests needing a server are skipped when it is unset.
    static let redisURL: String? = {
        guard let url = ProcessInfo.processInfo.environment["REDIS_URL"], !url.isEmpty else {
            return nil
        }
        return url
    }()

    static var hasRedis: Bool {
        redisURL != nil
    }

    static var hasRedisServerBinary: Bool {
        hasRedis && redisServerPath != nil
    }

    /// A client for `REDIS_URL`, with optional tweaks to its configuration.
    static func makeClient(_ adjust: (inout RedisConfiguration) -> Void = { _ in }) throws -> RedisClient {
        var configuration = try RedisConfiguration(url: try #require(redisURL, "REDIS_URL is not set"))
        adjust(&configuration)
        return RedisClient(configuration: configuration, logger: Logger(label: "test.redis.client"))
    }

    /// A client of a fresh `redis-server` of its own (so that its blocked clients are this test's), and what stops
    /// that server (`close()`).
    static func makeClientOnOwnServer() async throws -> (RedisClient, WaitCountingFactory) {
        let counted = try await WaitCountingFactory.redis()
        return (try #require(counted.factory as? RedisBackendFactory).client, counted)
    }

    /// A unique key prefix so tests never collide.
    static func keyPrefix(_ test: String = #function) -> String {
        "test:client:\(UUID().uuidString):"
    }

    /// A TCP port on 127.0.0.1 that nothing listens on (bound then released).
    static func freePort() throws -> Int {
        try freeLoopbackPort()
    }

    /// `redis-server` found through `PATH`.
    static let redisServerPath: String? = RedisServerProcess.executablePath("redis-server")
}

/// A throw-away `redis-server` started by a test, listening on a free loopback port and on a Unix socket
/// (stopped by pid with ``stop()``).
final class TemporaryRedisServer {
    private let server: RedisServerProcess
    let socketPath: String

    var port: Int { server.port }

    /// Starts `redis-server` with the extra arguments and waits until it answers.
    init(arguments: [String]) async throws {
        socketPath = "/tmp/client-test-\(UUID().uuidString.prefix(8)).sock"
        server = try await RedisServerProcess(arguments: ["--unixsocket", socketPath, "--unixsocketperm", "700"] + arguments)
    }

    /// Sends the server (by pid) SIGTERM and removes its files; the wait for its exit goes on in the background.
    func stop() {
        server.discard()
        try? FileManager.default.removeItem(atPath: socketPath)
    }
}
