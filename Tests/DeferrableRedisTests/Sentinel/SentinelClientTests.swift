import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Logging
import Testing

@Suite(
    "Redis through Sentinel",
    .enabled(if: SentinelDeployment.isAvailable),
    .timeLimit(.minutes(2)))
struct SentinelClientTests {
    /// The port of the server `client` is connected to (`CONFIG GET port`).
    private func connectedPort(_ client: RedisClient) async throws -> Int? {
        let reply = try await client.send(RedisCommand("CONFIG", "GET", "port"))
        return reply.array?.last?.string.flatMap { Int($0) }
    }

    private func quietLogger() -> Logger {
        var logger = Logger(label: "test.redis.sentinel")
        logger.logLevel = .critical
        return logger
    }

    @Test("a backend finds the primary through the sentinels, with passwords for the sentinels and the data nodes")
    func findsThePrimary() async throws {
        let deployment = try await SentinelDeployment.start(password: "data-secret", sentinelPassword: "sentinel-secret")
        defer { deployment.stop() }
        try await runsAJobOnThePrimary(of: deployment, group: "sentinel")
    }

    /// Pushes and runs one job through a factory on `deployment.url` and checks that it went to the primary.
    private func runsAJobOnThePrimary(of deployment: SentinelDeployment, group: String) async throws {
        let factory = try RedisBackendFactory(url: deployment.url)
        let deferrable = try Deferrable(factory: factory, group: group)
        let ran = Locked<[Int]>([])
        let job = try deferrable.register("record") { (n: Int, _) in ran.withLock { $0.append(n) } }
        try await job.later(5)
        let outcome = try await deferrable.runOnce(waitingUpTo: .seconds(2))
        #expect("\(outcome)".hasPrefix("completed"), "\(outcome)")
        #expect(ran.value == [5])
        #expect(try await connectedPort(factory.client) == deployment.primary.port)
        await factory.close()
    }

    @Test(
        "rediss+sentinel:// asks the sentinels and reaches the primary over TLS; an untrusted CA fails with the TLS error",
        .enabled(if: TestCertificates.isAvailable, "needs openssl"))
    func overTLS() async throws {
        let deployment = try await SentinelDeployment.start(password: "data-secret", tls: true)
        defer { deployment.stop() }
        try await runsAJobOnThePrimary(of: deployment, group: "sentinel-tls")

        let certificates = try #require(deployment.certificates)
        var untrusted = try RedisConfiguration(
            url: deployment.url.replacingOccurrences(of: certificates.caFile, with: certificates.otherCAFile))
        untrusted.connectTimeout = .seconds(1)
        let client = RedisClient(configuration: untrusted, logger: quietLogger())
        do {
            let reply = try await client.send(RedisCommand("PING"))
            Issue.record("PING through an untrusted CA answered \(reply)")
        } catch RedisError.cannotConnect(let endpoint, let reason) {
            #expect(endpoint.hasPrefix("sentinel:"), "\(endpoint)")
            #expect(reason.contains("TLS handshake"), "\(reason)")
        }
        await client.close()
    }

    @Test("a sentinel that cannot be reached is skipped for the next one")
    func skipsADeadSentinel() async throws {
        let deployment = try await SentinelDeployment.start()
        defer { deployment.stop() }
        let closed = try freeLoopbackPort()
        let hosts = ([closed] + deployment.sentinelPorts).map { "127.0.0.1:\($0)" }.joined(separator: ",")
        var configuration = try RedisConfiguration(url: "redis+sentinel://\(hosts)/\(SentinelDeployment.primaryName)")
        configuration.connectTimeout = .seconds(1)
        let client = RedisClient(configuration: configuration, logger: quietLogger())
        #expect(try await connectedPort(client) == deployment.primary.port)
        await client.close()
    }

    @Test("a primary name that no sentinel monitors, or a wrong sentinel password, fails with a typed error")
    func unknownPrimaryAndWrongPassword() async throws {
        let deployment = try await SentinelDeployment.start(sentinelPassword: "sentinel-secret")
        defer { deployment.stop() }
        let hosts = deployment.sentinelPorts.map { "127.0.0.1:\($0)" }.joined(separator: ",")
        for (url, fragment) in [
            ("redis+sentinel://\(hosts)/nobody?sentinel_password=sentinel-secret", "monitors no primary named 'nobody'"),
            ("redis+sentinel://\(hosts)/\(SentinelDeployment.primaryName)?sentinel_password=wrong", "authentication failed"),
        ] {
            var configuration = try RedisConfiguration(url: url)
            configuration.connectTimeout = .seconds(1)
            let client = RedisClient(configuration: configuration, logger: quietLogger())
            let started = ContinuousClock.now
            do {
                let reply = try await client.send(RedisCommand("PING"))
                Issue.record("\(url) answered \(reply)")
            } catch RedisError.cannotConnect(let endpoint, let reason) {
                #expect(endpoint.hasPrefix("sentinel:"), "\(endpoint)")
                #expect(reason.contains(fragment), "\(reason)")
                #expect(!reason.contains("sentinel-secret"), "\(reason)")
            } catch {
                Issue.record("expected cannotConnect, got \(error)")
            }
            // Each of the three sentinels answers within the connect timeout.
            #expect(started.duration(to: .now) < .seconds(4))
            await client.close()
        }
    }

    @Test("after a failover the same client reaches the new primary")
    func followsAFailover() async throws {
        let deployment = try await SentinelDeployment.start()
        defer { deployment.stop() }
        var configuration = try RedisConfiguration(url: deployment.url)
        configuration.connectTimeout = .seconds(1)
        let client = RedisClient(configuration: configuration, logger: quietLogger())
        #expect(try await connectedPort(client) == deployment.primary.port)
        _ = try await client.send(RedisCommand("SET", "before-failover", "1"))
        // Replication is asynchronous: wait until the replica has the write, so the failover cannot drop it.
        #expect(try await client.send(RedisCommand("WAIT", "1", "5000")).int == 1)

        let reply = rawCommand(
            port: deployment.sentinelPorts[0], ["SENTINEL", "FAILOVER", SentinelDeployment.primaryName])
        #expect(reply == .simple("OK"), "\(String(describing: reply))")
        try await eventually("the sentinels to name the replica", timeout: .seconds(30)) {
            deployment.currentPrimaryPort() == deployment.replica.port
        }
        // Writes go on: the old primary's connections are closed (by Sentinel, or by the client on READONLY) and the
        // next connection asks the sentinels again.
        var errors: [String] = []
        try await eventually("a write on the new primary", timeout: .seconds(30)) {
            do {
                _ = try await client.send(RedisCommand("SET", "after-failover", "1"))
                return try await connectedPort(client) == deployment.replica.port
            } catch {
                errors.append("\(error)")
                return false
            }
        }
        #expect(try await client.send(RedisCommand("GET", "before-failover")).string == "1")
        #expect(errors.allSatisfy { $0.contains("Redis") }, "\(errors)")
        await client.close()
    }
}
