import Foundation

/// A private Redis Cluster on loopback: three primaries, by default with one replica each (`redis-cli --cluster
/// create --cluster-replicas 1`), a node timeout of 1 s, every node in a directory of its own; optionally with TLS
/// for clients, the cluster bus and replication beside the plain ports. Every node is stopped by its pid in
/// ``stop()``.
public final class ClusterDeployment: @unchecked Sendable {
    /// The nodes, in the order given to `redis-cli --cluster create` (it makes the first three primaries).
    public let nodes: [RedisServerProcess]
    /// Each node's TLS port (empty without TLS), in the order of ``nodes``.
    public let tlsPorts: [Int]
    /// The certificates of a TLS deployment.
    public let certificates: TestCertificates?
    private let replicasPerPrimary: Int

    public static var isAvailable: Bool {
        RedisServerProcess.isAvailable && RedisServerProcess.executablePath("redis-cli") != nil
    }

    /// Starts the nodes, joins them and waits (at most 60 s, without blocking a thread) until every node reports
    /// `cluster_state:ok` and every replica has acknowledged a write of its primary.
    public static func start(replicasPerPrimary: Int = 1, tls: Bool = false) async throws -> ClusterDeployment {
        let deployment = try await ClusterDeployment(replicasPerPrimary: replicasPerPrimary, tls: tls)
        do {
            try await deployment.create()
            try await deployment.waitUntilFormed()
        } catch {
            deployment.stop()
            throw error
        }
        return deployment
    }

    private init(replicasPerPrimary: Int, tls: Bool) async throws {
        self.replicasPerPrimary = replicasPerPrimary
        let certificates = tls ? try await TestCertificates() : nil
        var nodes: [RedisServerProcess] = []
        var tlsPorts: [Int] = []
        do {
            for _ in 0..<(3 * (1 + replicasPerPrimary)) {
                // The bus port is chosen too: the default (port + 10000) may not exist or be taken.
                var arguments = [
                    "--cluster-enabled", "yes", "--cluster-port", "\(try freeLoopbackPort())", "--cluster-node-timeout",
                    "1000", "--cluster-replica-validity-factor", "0", "--repl-diskless-sync-delay", "0",
                ]
                if let certificates {
                    let tlsPort = try freeLoopbackPort()
                    tlsPorts.append(tlsPort)
                    arguments +=
                        ["--tls-port", "\(tlsPort)", "--tls-cluster", "yes"]
                        + certificates.serverOptions.flatMap { ["--" + $0.0, $0.1] }
                }
                nodes.append(try await RedisServerProcess(arguments: arguments))
            }
        } catch {
            for node in nodes { await node.stopAndRemove() }
            certificates?.remove()
            throw error
        }
        self.nodes = nodes
        self.tlsPorts = tlsPorts
        self.certificates = certificates
    }

    /// `redis+cluster://127.0.0.1:P1,127.0.0.1:P2,…` with every node as a seed; for a TLS deployment
    /// `rediss+cluster://` with the TLS ports and `tls_ca`.
    public var url: String {
        guard let certificates else {
            return "redis+cluster://" + nodes.map { "127.0.0.1:\($0.port)" }.joined(separator: ",")
        }
        return "rediss+cluster://" + tlsPorts.map { "127.0.0.1:\($0)" }.joined(separator: ",") + "?tls_ca="
            + certificates.caFile
    }

    /// Sends every node (by pid) SIGTERM and returns; the waits for their exits and the removal of their
    /// directories go on in the background (``RedisServerProcess/discard()``). Removes the certificates.
    public func stop() {
        for node in nodes { node.discard() }
        certificates?.remove()
    }

    /// The node with this port.
    public func node(port: Int) -> RedisServerProcess? {
        nodes.first { $0.port == port }
    }

    /// The port of the primary serving `key`'s slot, as the first node that answers (other than `excluding`) sees it;
    /// `nil` while no primary that is not marked failed serves it.
    public func primaryPort(forKey key: String, excluding excluded: Int? = nil) -> Int? {
        for node in nodes where node.port != excluded {
            guard case .integer(let slot) = rawCommand(port: node.port, ["CLUSTER", "KEYSLOT", key]),
                case .bulk(let text) = rawCommand(port: node.port, ["CLUSTER", "NODES"])
            else { continue }
            return Self.primaryPort(serving: slot, in: text)
        }
        return nil
    }

    /// The port of a replica of the primary on `port`.
    public func replicaPort(of port: Int) -> Int? {
        nodes.first { node in
            guard case .bulk(let info) = rawCommand(port: node.port, ["INFO", "replication"]) else { return false }
            return info.contains("role:slave") && info.contains("master_port:\(port)\r")
        }?.port
    }

    /// Whether every running node (other than `excluding`) reports `cluster_state:ok`.
    public func isHealthy(excluding excluded: Int? = nil) -> Bool {
        nodes.filter { $0.port != excluded }.allSatisfy { node in
            guard case .bulk(let info) = rawCommand(port: node.port, ["CLUSTER", "INFO"]) else { return false }
            return info.contains("cluster_state:ok")
        }
    }

    /// Whether the node on `port` is a replica whose link to its primary is up.
    public func isSyncedReplica(port: Int) -> Bool {
        guard case .bulk(let info) = rawCommand(port: port, ["INFO", "replication"]) else { return false }
        return info.contains("role:slave") && info.contains("master_link_status:up")
    }

    /// Whether every primary's replicas have acknowledged all of its writes (its replication offset).
    public func replicasCaughtUp() -> Bool {
        nodes.allSatisfy { node in
            guard case .bulk(let info) = rawCommand(port: node.port, ["INFO", "replication"]) else { return false }
            guard info.contains("role:master") else { return true }
            let lines = info.split(whereSeparator: \.isNewline)
            guard let offset = lines.first(where: { $0.hasPrefix("master_repl_offset:") }).flatMap({ Int($0.dropFirst(19)) })
            else { return false }
            let replicaOffsets = lines.filter { $0.hasPrefix("slave") && $0.contains("offset=") }.compactMap { line in
                line.split(separator: ",").first { $0.hasPrefix("offset=") }.flatMap { Int($0.dropFirst(7)) }
            }
            return !replicaOffsets.isEmpty && replicaOffsets.allSatisfy { $0 >= offset }
        }
    }

    /// The port of the primary that `CLUSTER NODES` text names for `slot` (not one flagged `fail`).
    static func primaryPort(serving slot: Int, in text: String) -> Int? {
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: " ")
            guard fields.count >= 9, fields[2].split(separator: ",").contains("master"),
                !fields[2].split(separator: ",").contains("fail")
            else { continue }
            let serves = fields[8...].contains { range in
                let bounds = range.split(separator: "-").compactMap { Int($0) }
                guard let low = bounds.first else { return false }
                return (low...(bounds.last ?? low)).contains(slot)
            }
            guard serves, let address = fields[1].split(separator: "@").first,
                let port = address.split(separator: ":").last.flatMap({ Int($0) })
            else { continue }
            return port
        }
        return nil
    }

    private func create() async throws {
        guard let executable = RedisServerProcess.executablePath("redis-cli") else {
            throw FaultTestError("redis-cli is not on PATH")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments =
            ["--cluster", "create"] + nodes.map { "127.0.0.1:\($0.port)" } + [
                "--cluster-replicas", "\(replicasPerPrimary)", "--cluster-yes",
            ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try await launchWithUnblockedSignals(process)
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                kill(process.processIdentifier, SIGKILL)
                throw FaultTestError("redis-cli --cluster create did not finish within 30 s")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard process.terminationStatus == 0 else {
            throw FaultTestError("redis-cli --cluster create failed (status \(process.terminationStatus))")
        }
    }

    private func waitUntilFormed() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        var probed = false
        while ContinuousClock.now < deadline {
            let replicas = nodes.filter { isSyncedReplica(port: $0.port) }.count
            if isHealthy(), replicas == 3 * replicasPerPrimary {
                if replicasPerPrimary == 0 { return }
                if !probed {
                    // A replica fresh from its full sync acknowledges only after a write; give each primary one
                    // (`FLUSHALL` on the empty nodes: a write of no key, which replicas refuse).
                    for node in nodes { _ = rawCommand(port: node.port, ["FLUSHALL"]) }
                    probed = true
                }
                if replicasCaughtUp() { return }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw FaultTestError(
            "the cluster did not reach cluster_state:ok with \(3 * replicasPerPrimary) synced replicas within 60 s")
    }
}
