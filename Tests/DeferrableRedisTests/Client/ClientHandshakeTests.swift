import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Logging
import Testing

@Suite("Redis connection handshake")
struct ClientHandshakeTests {
    @Test("a server that accepts connections but never answers fails within the connect timeout (no AUTH, no SELECT)")
    func silentServer() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        var configuration = RedisConfiguration(host: "127.0.0.1", port: silent.port)
        configuration.connectTimeout = .milliseconds(300)
        configuration.commandTimeout = .seconds(10)
        // Far below the command timeout, with room for a loaded machine.
        let bound = configuration.connectTimeout + .seconds(6)

        let client = RedisClient(configuration: configuration, logger: Logger(label: "test.silent"))
        let start = ContinuousClock.now
        do {
            _ = try await client.send(RedisCommand("PING"))
            Issue.record("PING succeeded against a server that never answers")
        } catch let error as RedisError {
            guard case .cannotConnect = error else {
                Issue.record("expected cannotConnect, got \(error)")
                await client.close()
                return
            }
        }
        #expect(start.duration(to: .now) < bound, "PING waited \(start.duration(to: .now))")
        await client.close()

        let factory = RedisBackendFactory(
            configuration: configuration, settings: RedisBackendSettings(keyPrefix: "silent"), logger: Logger(label: "test.silent"))
        let deferrable = try Deferrable(factory: factory, group: "g", logger: Logger(label: "test.silent"))
        let job = try deferrable.register("n") { (_: Int, _: JobContext) in }
        let laterStart = ContinuousClock.now
        await #expect(throws: RedisError.self) { try await job.later(1) }
        #expect(laterStart.duration(to: .now) < bound, "later() waited \(laterStart.duration(to: .now))")
        await factory.close()
    }
}
