import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private Redis Sentinel deployment on loopback: a primary, a replica of it and three `redis-sentinel`
/// processes (quorum 2, the primary down after 1 s), each in a temporary directory of its own. Every process is
/// stopped by its pid in ``stop()``.
public final class SentinelDeployment: @unchecked Sendable {
    /// The name the sentinels monitor the primary under.
    public static let primaryName = "deferrable-primary"

    public let primary: RedisServerProcess
    public let replica: RedisServerProcess
    public let sentinelPorts: [Int]
    /// The data nodes' password (`requirepass`), if any.
    public let password: String?
    /// The sentinels' password (`requirepass` of the sentinels), if any.
    public let sentinelPassword: String?
    /// With TLS: the certificates, and the TLS ports of the primary, the replica and the sentinels (each keeps its
    /// plain port too, for the test's own checks). The sentinels monitor the primary's TLS port.
    public let certificates: TestCertificates?
    public let tlsPorts: (primary: Int, replica: Int, sentinels: [Int])?
    private let directory: URL
    private let lock = NSLock()
    private var sentinels: [Process] = []

    public static var isAvailable: Bool {
        RedisServerProcess.isAvailable && RedisServerProcess.executablePath("redis-sentinel") != nil
    }

    /// Starts the deployment and waits (at most 30 s, without blocking a thread) until every sentinel sees the
    /// replica and the other two.
    public static func start(password: String? = nil, sentinelPassword: String? = nil, tls: Bool = false) async throws
        -> SentinelDeployment
    {
        let deployment = try await SentinelDeployment(password: password, sentinelPassword: sentinelPassword, tls: tls)
        do {
            try await deployment.waitUntilFormed()
        } catch {
            deployment.stop()
            throw error
        }
        return deployment
    }

    private init(password: String?, sentinelPassword: String?, tls: Bool) async throws {
        self.password = password
        self.sentinelPassword = sentinelPassword
        let certificates = tls ? try await TestCertificates() : nil
        self.certificates = certificates
        let tlsPorts = try certificates.map { _ in
            (primary: try freeLoopbackPort(), replica: try freeLoopbackPort(), sentinels: try (0..<3).map { _ in try freeLoopbackPort() })
        }
        self.tlsPorts = tlsPorts
        let auth = password.map { ["--requirepass", $0, "--masterauth", $0] } ?? []
        let tlsArguments = { (port: Int) -> [String] in
            guard let certificates else { return [] }
            return ["--tls-port", "\(port)"] + certificates.serverOptions.flatMap { ["--" + $0.0, $0.1] }
        }
        primary = try await RedisServerProcess(arguments: auth + tlsArguments(tlsPorts?.primary ?? 0))
        replica = try await RedisServerProcess(
            arguments: auth + tlsArguments(tlsPorts?.replica ?? 0) + [
                "--replicaof", "127.0.0.1", "\(tlsPorts?.primary ?? primary.port)",
            ])
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "deferrable-sentinels-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        sentinelPorts = try (0..<3).map { _ in try freeLoopbackPort() }
        do {
            for (index, port) in sentinelPorts.enumerated() {
                try await startSentinel(index: index, port: port)
            }
        } catch {
            stop()
            throw error
        }
    }

    /// `redis+sentinel://[:password@]127.0.0.1:S1,…/deferrable-primary[?sentinel_password=…]`; with TLS
    /// `rediss+sentinel://` with the sentinels' TLS ports and `tls_ca`.
    public var url: String {
        let userInfo = password.map { ":\($0)@" } ?? ""
        let hosts = (tlsPorts?.sentinels ?? sentinelPorts).map { "127.0.0.1:\($0)" }.joined(separator: ",")
        let query =
            (sentinelPassword.map { ["sentinel_password=\($0)"] } ?? []) + (certificates.map { ["tls_ca=\($0.caFile)"] } ?? [])
        return "redis\(certificates == nil ? "" : "s")+sentinel://\(userInfo)\(hosts)/\(Self.primaryName)"
            + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    /// The port the sentinels currently name as the primary's (asked of the first sentinel that answers).
    public func currentPrimaryPort() -> Int? {
        for port in sentinelPorts {
            let reply = rawCommand(
                port: port, password: sentinelPassword, ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", Self.primaryName])
            if let reply, case .array(let parts) = reply, parts.count == 2, case .bulk(let text) = parts[1] {
                return Int(text)
            }
        }
        return nil
    }

    /// Whether the replica has applied every write the primary has (their replication offsets are equal).
    public func replicaCaughtUp() -> Bool {
        func offset(_ port: Int) -> String? {
            guard case .bulk(let info) = rawCommand(port: port, password: password, ["INFO", "replication"]) else {
                return nil
            }
            return info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("master_repl_offset:") }.map(String.init)
        }
        guard let primaryOffset = offset(primary.port) else { return false }
        return offset(replica.port) == primaryOffset
    }

    /// Sends the sentinels and both data nodes (by pid) SIGTERM and returns; the waits for their exits (SIGKILL
    /// after 10 s) and the removal of their directories go on in the background.
    public func stop() {
        let running = lock.withLock { () -> [Process] in
            defer { sentinels = [] }
            return sentinels
        }
        for process in running where process.isRunning { kill(process.processIdentifier, SIGTERM) }
        replica.discard()
        primary.discard()
        let (certificates, directory) = (certificates, directory)
        inBackground {
            for process in running { stopProcessBlocking(process) }
            certificates?.remove()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    private func startSentinel(index: Int, port: Int) async throws {
        guard let executable = RedisServerProcess.executablePath("redis-sentinel") else {
            throw FaultTestError("redis-sentinel is not on PATH")
        }
        let own = directory.appendingPathComponent("sentinel-\(index)")
        try FileManager.default.createDirectory(at: own, withIntermediateDirectories: true)
        var lines = [
            "port \(port)", "bind 127.0.0.1", "daemonize no", "dir \(own.path)",
            "logfile \(own.appendingPathComponent("sentinel.log").path)",
            "sentinel monitor \(Self.primaryName) 127.0.0.1 \(tlsPorts?.primary ?? primary.port) 2",
            "sentinel down-after-milliseconds \(Self.primaryName) 1000",
            "sentinel failover-timeout \(Self.primaryName) 10000",
            "sentinel parallel-syncs \(Self.primaryName) 1",
        ]
        if let password { lines.append("sentinel auth-pass \(Self.primaryName) \(password)") }
        if let certificates, let tlsPorts {
            lines.append("tls-port \(tlsPorts.sentinels[index])")
            lines += certificates.serverOptions.map { "\($0.0) \($0.1)" }
        }
        if let sentinelPassword {
            lines.append("requirepass \(sentinelPassword)")
            lines.append("sentinel sentinel-pass \(sentinelPassword)")
        }
        let configuration = own.appendingPathComponent("sentinel.conf")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: configuration)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [configuration.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try await launchWithUnblockedSignals(process)
        lock.withLock { sentinels.append(process) }
    }

    /// Waits until every sentinel knows the replica and the two other sentinels.
    private func waitUntilFormed() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let formed = sentinelPorts.allSatisfy { port in
                guard
                    let reply = rawCommand(
                        port: port, password: sentinelPassword, ["SENTINEL", "MASTER", Self.primaryName]),
                    case .array(let fields) = reply
                else { return false }
                let values = Dictionary(
                    stride(from: 0, to: fields.count - 1, by: 2).compactMap { index -> (String, String)? in
                        guard case .bulk(let key) = fields[index], case .bulk(let value) = fields[index + 1] else {
                            return nil
                        }
                        return (key, value)
                    }, uniquingKeysWith: { first, _ in first })
                return values["num-slaves"] == "1" && values["num-other-sentinels"] == "2"
            }
            if formed { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw FaultTestError("the sentinels did not see the replica and each other within 30 s")
    }
}
