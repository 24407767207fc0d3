import DeferrableRedis
import Foundation
import Testing

@Suite(
    "Redis client authentication against a temporary redis-server",
    .enabled(if: ClientTestSupport.hasRedisServerBinary, "REDIS_URL is not set or redis-server is not in PATH")
)
struct ClientAuthTests {
    @Test("password-only, user+password, unix socket + db, and wrong passwords")
    func authentication() async throws {
        let server = try await TemporaryRedisServer(arguments: [
            "--requirepass", "s3cret", "--user", "alice", "on", ">wonderland", "~*", "&*", "+@all",
        ])
        defer { server.stop() }

        try await expectWorks("redis://:s3cret@127.0.0.1:\(server.port)")
        try await expectWorks("redis://alice:wonderland@127.0.0.1:\(server.port)/2", database: 2)
        try await expectWorks("redis://default:s3cret@127.0.0.1:\(server.port)")
        try await expectWorks("unix://\(server.socketPath)?password=s3cret&db=3", database: 3)

        for url in ["redis://:wrongpass@127.0.0.1:\(server.port)", "redis://alice:wrongpass@127.0.0.1:\(server.port)"] {
            let client = try RedisClient(url: url)
            do {
                _ = try await client.send(RedisCommand("PING"))
                Issue.record("expected an authentication error")
            } catch let error as RedisError {
                guard case .cannotConnect(_, let reason) = error else {
                    Issue.record("expected cannotConnect, got \(error)")
                    await client.close()
                    continue
                }
                #expect(reason.contains("authentication failed"), "reason: \(reason)")
                #expect(reason.contains("WRONGPASS"), "reason: \(reason)")
                #expect(!error.description.contains("wrongpass"))
            }
            await client.close()
        }

        // No password at all: the same kind of error as a wrong password, with Redis's NOAUTH text.
        let anonymous = try RedisClient(url: "redis://127.0.0.1:\(server.port)")
        do {
            _ = try await anonymous.send(RedisCommand("PING"))
            Issue.record("expected an authentication error")
        } catch let error as RedisError {
            if case .cannotConnect(_, let reason) = error {
                #expect(reason.contains("authentication failed"), "reason: \(reason)")
                #expect(reason.contains("NOAUTH"), "reason: \(reason)")
            } else {
                Issue.record("expected cannotConnect, got \(error)")
            }
        }
        await anonymous.close()

        // Selecting a database that does not exist is a connect failure.
        let badDB = try RedisClient(url: "redis://:s3cret@127.0.0.1:\(server.port)/99")
        do {
            _ = try await badDB.send(RedisCommand("PING"))
            Issue.record("expected SELECT to fail")
        } catch let error as RedisError {
            #expect(error.description.contains("SELECT 99 failed"), "\(error)")
        }
        await badDB.close()
    }

    private func expectWorks(_ url: String, database: Int = 0) async throws {
        let client = try RedisClient(url: url)
        #expect(try await client.send(RedisCommand("PING")) == .simpleString("PONG"), "\(url)")
        let info = try await client.send(RedisCommand("CLIENT", "INFO")).string ?? ""
        #expect(info.contains(" db=\(database) "), "\(info)")
        let blocked = try await client.sendBlocking(RedisCommand("BLPOP", "auth-test-empty", "0.1"), blockFor: .milliseconds(100))
        #expect(blocked.isNull)
        await client.close()
    }
}
