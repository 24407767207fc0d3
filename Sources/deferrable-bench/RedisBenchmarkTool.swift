import DeferrableRedis
import Foundation

/// Redis's own `redis-benchmark`, run as `-t lpush -c C -n N -q` against the server of a Redis URL (its TLS files,
/// user, password and database passed on): the external reference for one client's unpipelined `LPUSH` and for 50
/// clients. It writes the key `mylist`.
struct RedisBenchmarkTool {
    private let tool: String
    private let endpointArguments: [String]

    /// What one run measured.
    struct Measurement {
        /// `redis-benchmark`'s own figure.
        var opsPerSecond: Double
        /// The wall time of the whole process, start-up included.
        var wallSeconds: Double
    }

    /// The tool for the server of `configuration`, or `nil` when `redis-benchmark` is not on PATH.
    ///
    /// - Throws: ``BenchError/reference(_:)`` for Sentinel and Cluster endpoints (it measures one server).
    init?(configuration: RedisConfiguration) throws {
        guard let tool = Self.path() else { return nil }
        var arguments: [String]
        switch configuration.endpoint {
        case .tcp(let host, let port): arguments = ["-h", host, "-p", String(port)]
        case .unixSocket(let path): arguments = ["-s", path]
        case .sentinel:
            throw BenchError.reference(
                "redis-benchmark cannot follow Sentinel: pass --no-redis-benchmark, or the primary's redis:// URL")
        case .cluster:
            throw BenchError.reference(
                "the redis-benchmark reference is measured on one server: pass --no-redis-benchmark, or a node's redis:// URL")
        }
        if let tls = configuration.tls {
            arguments.append("--tls")
            if let caFile = tls.caFile { arguments += ["--cacert", caFile] }
            if let certificateFile = tls.certificateFile { arguments += ["--cert", certificateFile] }
            if let privateKeyFile = tls.privateKeyFile { arguments += ["--key", privateKeyFile] }
            if let serverName = tls.serverName { arguments += ["--sni", serverName] }
            if !tls.verifiesHostname { arguments.append("--insecure") }
        }
        if let username = configuration.username { arguments += ["--user", username] }
        if let password = configuration.password { arguments += ["-a", password] }
        if configuration.database != 0 { arguments += ["--dbnum", String(configuration.database)] }
        self.tool = tool
        endpointArguments = arguments
    }

    /// Runs `requests` unpipelined `LPUSH`es from `clients` connections and returns the tool's figure.
    func lpush(requests: Int, clients: Int) throws -> Measurement {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = endpointArguments + ["-t", "lpush", "-n", String(requests), "-c", String(clients), "-q"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let started = ContinuousClock.now
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let elapsed = started.duration(to: .now).seconds
        let text = String(decoding: data, as: UTF8.self)
        // `-q` prints progress lines separated by "\r" and ends with "LPUSH: 18656.72 requests per second, ...".
        let line = text.split(whereSeparator: { $0 == "\r" || $0 == "\n" }).last { $0.contains("requests per second") }
        guard process.terminationStatus == 0, let line,
            let figure = line.split(separator: ":").dropFirst().first?.split(separator: " ").first,
            let opsPerSecond = Double(figure), opsPerSecond > 0
        else {
            throw BenchError.reference("could not read redis-benchmark's output: \(text.suffix(200))")
        }
        return Measurement(opsPerSecond: opsPerSecond, wallSeconds: elapsed)
    }

    private static func path() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/redis-benchmark"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
