import DeferrableRedis
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

    /// A unique key prefix so tests never collide.
    static func keyPrefix(_ test: String = #function) -> String {
        "test:client:\(UUID().uuidString):"
    }

    /// A TCP port on 127.0.0.1 that nothing listens on (bound then released).
    static func freePort() throws -> Int {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// `redis-server` found through `PATH`.
    static let redisServerPath: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/redis-server"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }()
}

/// A throw-away `redis-server` process started by a test (stopped by pid with ``stop()``).
final class TemporaryRedisServer {
    let port: Int
    let socketPath: String
    private let process: Process

    /// Starts `redis-server` on a free loopback port (and a Unix socket) with the extra arguments, and waits until
    /// it accepts connections (at most ~3 s).
    init(arguments: [String]) async throws {
        let binary = try #require(ClientTestSupport.redisServerPath, "redis-server not found in PATH")
        port = try ClientTestSupport.freePort()
        socketPath = "/tmp/client-test-\(UUID().uuidString.prefix(8)).sock"
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", "/tmp",
            "--unixsocket", socketPath, "--unixsocketperm", "700",
        ] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<60 {
            if FileManager.default.fileExists(atPath: socketPath) {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop()
        Issue.record("temporary redis-server did not start")
        throw CancellationError()
    }

    /// Stops the server by pid and waits (bounded) for it to exit.
    ///
    /// SIGKILL, not SIGTERM: on Linux, Foundation's `Process` starts children with the spawning thread's signal mask,
    /// which blocks SIGTERM when the test runs on a Swift concurrency thread. The server has no persistence to flush.
    func stop() {
        let pid = process.processIdentifier
        if process.isRunning && pid > 0 {
            kill(pid, SIGKILL)
            for _ in 0..<100 where process.isRunning {
                usleep(20_000)
            }
        }
        try? FileManager.default.removeItem(atPath: socketPath)
    }
}
