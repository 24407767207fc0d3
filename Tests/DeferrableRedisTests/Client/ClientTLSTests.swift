import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Logging
import Testing

/// A private `redis-server` listening for TLS (with certificates made by ``TestCertificates``) beside its plain port.
final class TLSRedisServer: Sendable {
    let certificates: TestCertificates
    let tlsPort: Int
    private let server: RedisServerProcess

    /// Starts the server; with `requireClientCertificate`, it refuses clients without a certificate its CA signed.
    /// With `namingOtherHost`, its certificate names only `redis.example.com`.
    init(requireClientCertificate: Bool, namingOtherHost: Bool = false) async throws {
        certificates = try await TestCertificates()
        tlsPort = try freeLoopbackPort()
        server = try await RedisServerProcess(arguments: [
            "--tls-port", "\(tlsPort)",
            "--tls-cert-file", namingOtherHost ? certificates.otherHostCertificateFile : certificates.serverCertificateFile,
            "--tls-key-file", namingOtherHost ? certificates.otherHostKeyFile : certificates.serverKeyFile,
            "--tls-ca-cert-file", certificates.caFile,
            "--tls-auth-clients", requireClientCertificate ? "yes" : "no",
        ])
    }

    /// The plain-text port of the same server.
    var plainPort: Int { server.port }

    func stop() {
        server.discard()
        certificates.remove()
    }
}

@Suite(
    "Redis over TLS",
    .enabled(if: ClientTestSupport.hasRedisServerBinary && TestCertificates.isAvailable),
    .timeLimit(.minutes(1)))
struct ClientTLSTests {
    static let connectTimeout = Duration.seconds(2)

    /// Connects with `url` (the connect timeout set to ``connectTimeout``) and sends `PING`.
    private func ping(_ url: String) async throws -> RedisValue {
        var configuration = try RedisConfiguration(url: url)
        configuration.connectTimeout = Self.connectTimeout
        let client = RedisClient(configuration: configuration, logger: Logger(label: "test.redis.tls"))
        do {
            let reply = try await client.send(RedisCommand("PING"))
            await client.close()
            return reply
        } catch {
            await client.close()
            throw error
        }
    }

    /// Expects `url` to fail with a TLS error of kind `failure`, and in about the connect timeout: the bound leaves
    /// room for a loaded machine (TLS context set-up, the client's close) but not for a retry or a hang.
    private func expectTLSFailure(_ url: String, _ failure: RedisTLSFailure) async throws {
        let started = ContinuousClock.now
        do {
            let reply = try await ping(url)
            Issue.record("connected over TLS with \(url): \(reply)")
        } catch let RedisError.tlsFailed(_, actual, reason) {
            #expect(actual == failure, "reason: \(reason)")
        } catch {
            Issue.record("expected a TLS error (\(failure)), got \(error)")
        }
        #expect(started.duration(to: .now) < Self.connectTimeout * 2 + .seconds(1))
    }

    @Test("a certificate signed by the given CA works, by host name and by IP address, for the whole backend")
    func goodCertificate() async throws {
        let server = try await TLSRedisServer(requireClientCertificate: false)
        defer { server.stop() }
        let ca = server.certificates.caFile
        #expect(try await ping("rediss://localhost:\(server.tlsPort)?tls_ca=\(ca)") == .simpleString("PONG"))
        #expect(try await ping("rediss://127.0.0.1:\(server.tlsPort)?tls_ca=\(ca)") == .simpleString("PONG"))

        let factory = try RedisBackendFactory(url: "rediss://localhost:\(server.tlsPort)?tls_ca=\(ca)")
        let deferrable = try Deferrable(factory: factory, group: "tls")
        let ran = Locked<[Int]>([])
        let job = try deferrable.register("record") { (n: Int, _) in ran.withLock { $0.append(n) } }
        try await job.later(7)
        let outcome = try await deferrable.runOnce(waitingUpTo: .seconds(2))
        guard case .completed = outcome else {
            Issue.record("runOnce over TLS: \(outcome)")
            await factory.close()
            return
        }
        #expect(ran.value == [7])
        await factory.close()
    }

    @Test("a server certificate from another CA fails as untrusted")
    func wrongCA() async throws {
        let server = try await TLSRedisServer(requireClientCertificate: false)
        defer { server.stop() }
        try await expectTLSFailure(
            "rediss://localhost:\(server.tlsPort)?tls_ca=\(server.certificates.otherCAFile)", .untrustedCertificate)
        // The system trust store does not know the test CA either.
        try await expectTLSFailure("rediss://localhost:\(server.tlsPort)", .untrustedCertificate)
    }

    @Test("a certificate that does not name the server fails as a host name mismatch, unless named or unchecked")
    func wrongHostName() async throws {
        let server = try await TLSRedisServer(requireClientCertificate: false, namingOtherHost: true)
        defer { server.stop() }
        let ca = server.certificates.caFile
        try await expectTLSFailure("rediss://localhost:\(server.tlsPort)?tls_ca=\(ca)", .hostnameMismatch)
        try await expectTLSFailure("rediss://127.0.0.1:\(server.tlsPort)?tls_ca=\(ca)", .hostnameMismatch)
        let named = "rediss://127.0.0.1:\(server.tlsPort)?tls_ca=\(ca)&tls_server_name=redis.example.com"
        #expect(try await ping(named) == .simpleString("PONG"))
        let unchecked = "rediss://localhost:\(server.tlsPort)?tls_ca=\(ca)&tls_verify_hostname=false"
        #expect(try await ping(unchecked) == .simpleString("PONG"))
    }

    @Test("a server that requires a client certificate refuses a client without one and accepts the right one")
    func mutualTLS() async throws {
        let server = try await TLSRedisServer(requireClientCertificate: true)
        defer { server.stop() }
        let certificates = server.certificates
        let base = "rediss://localhost:\(server.tlsPort)?tls_ca=\(certificates.caFile)"
        try await expectTLSFailure(base, .clientCertificateRejected)
        let withCertificate = base + "&tls_cert=\(certificates.clientCertificateFile)&tls_key=\(certificates.clientKeyFile)"
        #expect(try await ping(withCertificate) == .simpleString("PONG"))
    }

    @Test("TLS to a plain-text port fails as not TLS")
    func plainPort() async throws {
        let server = try await TLSRedisServer(requireClientCertificate: false)
        defer { server.stop() }
        try await expectTLSFailure("rediss://localhost:\(server.plainPort)?tls_ca=\(server.certificates.caFile)", .notTLS)
    }

    @Test("unusable TLS files fail with invalidTLSConfiguration naming the file")
    func unusableFiles() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let port = try freeLoopbackPort()
        let cases: [(String, String)] = [
            ("tls_ca=/nonexistent/ca.pem", "/nonexistent/ca.pem"),
            ("tls_cert=\(certificates.clientCertificateFile)", "needs its private key"),
            ("tls_cert=/nonexistent/c.pem&tls_key=\(certificates.clientKeyFile)", "/nonexistent/c.pem"),
            ("tls_cert=\(certificates.clientCertificateFile)&tls_key=\(certificates.caFile)", "tls_key"),
        ]
        for (query, fragment) in cases {
            do {
                _ = try await ping("rediss://localhost:\(port)?\(query)")
                Issue.record("connected with \(query)")
            } catch let RedisError.invalidTLSConfiguration(reason) {
                #expect(reason.contains(fragment), "reason: \(reason)")
            } catch {
                Issue.record("expected invalidTLSConfiguration for \(query), got \(error)")
            }
        }
    }

    @Test("TLS on a Unix socket is refused, never silently dropped")
    func tlsWhereItCannotApply() async throws {
        let configuration = RedisConfiguration(
            endpoint: .unixSocket(path: "/tmp/deferrable-no-such.sock"), tls: RedisTLSConfiguration(),
            connectTimeout: Self.connectTimeout)
        let client = RedisClient(configuration: configuration, logger: Logger(label: "test.redis.tls"))
        do {
            let reply = try await client.send(RedisCommand("PING"))
            Issue.record("a Unix socket with TLS answered \(reply)")
        } catch let RedisError.invalidTLSConfiguration(reason) {
            #expect(reason.contains("Unix socket"), "\(reason)")
        } catch {
            Issue.record("expected invalidTLSConfiguration, got \(error)")
        }
        await client.close()
    }

    @Test("a CA file that appears after the first attempt is used by the next connection")
    func fileThatAppearsLater() async throws {
        let server = try await TLSRedisServer(requireClientCertificate: false)
        defer { server.stop() }
        let laterFile = server.certificates.directory.appendingPathComponent("later-ca.crt").path
        var configuration = try RedisConfiguration(url: "rediss://localhost:\(server.tlsPort)?tls_ca=\(laterFile)")
        configuration.connectTimeout = Self.connectTimeout
        let client = RedisClient(configuration: configuration, logger: Logger(label: "test.redis.tls"))
        do {
            let reply = try await client.send(RedisCommand("PING"))
            Issue.record("answered \(reply) before the CA file existed")
        } catch let RedisError.invalidTLSConfiguration(reason) {
            #expect(reason.contains(laterFile), "\(reason)")
        }
        try FileManager.default.copyItem(atPath: server.certificates.caFile, toPath: laterFile)
        // The reconnect backoff refuses attempts for a moment after a failure; the next real attempt reads the file.
        try await eventually("a connection once the CA file exists", timeout: .seconds(10)) {
            (try? await client.send(RedisCommand("PING"))) == .simpleString("PONG")
        }
        await client.close()
    }
}
