import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Testing

/// `rediss+cluster://` against a private 3-primary cluster with TLS for clients, the bus and replication
/// (certificates made by ``TestCertificates``).
@Suite(
    "Redis Cluster over TLS", .serialized,
    .enabled(if: ClusterDeployment.isAvailable && TestCertificates.isAvailable, "needs redis-server, redis-cli and openssl"),
    .timeLimit(.minutes(2)))
struct ClusterTLSTests {
    @Test("rediss+cluster:// reaches every primary over TLS at the TLS port of its layout: groups on all three run")
    func groupsOnEveryPrimary() async throws {
        let deployment = try await ClusterDeployment.start(replicasPerPrimary: 0, tls: true)
        defer { deployment.stop() }
        // The seed is one TLS port: the others come from the layout, which must name the TLS ports.
        let seedOnly = try #require(deployment.url.split(separator: ",").first.map(String.init))
        let caFile = try #require(deployment.certificates?.caFile)
        let factory = try RedisBackendFactory(
            url: seedOnly + "?tls_ca=" + caFile, settings: RedisBackendSettings(keyPrefix: "ctls"))
        var primaries: Set<Int> = []
        for index in 0..<12 {
            let group = "tls-\(index)"
            let deferrable = try Deferrable(factory: factory, group: group)
            let ran = Locked<[Int]>([])
            let job = try deferrable.register("n") { (n: Int, _) in ran.withLock { $0.append(n) } }
            try await job.later(index)
            let outcome = try await deferrable.runOnce(waitingUpTo: .seconds(2))
            #expect("\(outcome)".hasPrefix("completed"), "\(outcome)")
            #expect(ran.value == [index])
            if let port = deployment.primaryPort(forKey: "ctls:{\(group)}:ready") { primaries.insert(port) }
        }
        #expect(primaries.count == 3, "the groups reached \(primaries.count) primaries")
        await factory.close()
    }

    @Test("a CA that did not sign the nodes' certificates fails with tlsFailed within the connect timeout")
    func wrongCertificateAuthority() async throws {
        let deployment = try await ClusterDeployment.start(replicasPerPrimary: 0, tls: true)
        defer { deployment.stop() }
        let certificates = try #require(deployment.certificates)
        let url = deployment.url.replacingOccurrences(of: certificates.caFile, with: certificates.otherCAFile)
        var configuration = try RedisConfiguration(url: url)
        configuration.connectTimeout = .seconds(1)
        let client = RedisClient(configuration: configuration)
        let started = ContinuousClock.now
        do {
            let reply = try await client.send(RedisCommand("PING"))
            Issue.record("PING through an untrusted CA answered \(reply)")
        } catch let error as RedisError {
            // No node gives a layout: the error names the cluster and, as the last failure, the TLS handshake.
            #expect("\(error)".contains("TLS handshake"), "\(error)")
        }
        // Each of the three seeds is tried within the connect timeout.
        #expect(started.duration(to: .now) < .seconds(8))
        await client.close()
    }
}
