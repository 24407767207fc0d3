import DeferrableRedis
import Foundation

/// The Redis round-trip ceiling on this machine, measured in the same run through the library's own client, configured
/// as the backend's: `PING` and `LPUSH` loops without pipelining (one command in flight at a time), and `LPUSH`
/// pipelined in batches of 1000.
/// If `redis-benchmark` is on PATH, its `-t lpush -n 100000 -q` figure for 1 client and for its default
/// 50 clients is added (it writes the key `mylist`).
struct ReferenceBenchmark {
    /// The Redis URL.
    let url: String
    /// Operations per loop.
    let n: Int
    /// Unique suffix for the keys written.
    let runID: String
    /// Whether to run `redis-benchmark` when it is on PATH.
    let runsRedisBenchmark: Bool

    /// The measurements; the unpipelined LPUSH figure is ``Outcome/lpushOpsPerSecond``.
    struct Outcome {
        /// One row per measurement.
        var results: [PhaseResult]
        /// The unpipelined LPUSH ops/s through the library client: the reference of every ratio.
        var lpushOpsPerSecond: Double
    }

    /// Runs every measurement.
    func run() async throws -> Outcome {
        // The backend's own configuration (its pool of shared connections, one per event loop): each operation is
        // still one unpipelined round trip, awaited before the next.
        let configuration = try RedisConfiguration(url: url)
        let client = RedisClient(configuration: configuration)
        let key = "deferrable-bench:reference:\(runID)"
        do {
            _ = try await client.send(RedisCommand("PING"))  // connect before timing
            var results: [PhaseResult] = []
            results.append(try await loop("reference-ping", client: client) { _ = try await $0.send(RedisCommand("PING")) })
            let lpush = try await loop("reference-lpush", client: client) {
                _ = try await $0.send(RedisCommand("LPUSH", key, "xxx"))
            }
            results.append(lpush)
            _ = try await client.send(RedisCommand("DEL", key))
            results.append(try await pipelined(client: client, key: key))
            _ = try await client.send(RedisCommand("DEL", key))
            results.append(try await barePush(client: client, key: key))
            let ceiling = lpush.jobsPerSecond
            if runsRedisBenchmark, let tool = Self.redisBenchmarkPath() {
                for clients in [1, 50] {
                    results.append(try redisBenchmark(tool: tool, endpoint: configuration, clients: clients))
                }
            }
            for index in results.indices {
                results[index].ratioToReference = results[index].jobsPerSecond / ceiling
            }
            await client.close()
            return Outcome(results: results, lpushOpsPerSecond: ceiling)
        } catch {
            await client.close()
            throw error
        }
    }

    private func loop(
        _ phase: String, client: RedisClient, _ operation: (RedisClient) async throws -> Void
    ) async throws -> PhaseResult {
        let meter = PhaseMeter()
        for _ in 0..<n {
            try await operation(client)
        }
        let reading = meter.stop()
        return row(phase, backend: "redis", n: n, concurrency: 1, reading: reading)
    }

    /// The bare command the Redis backend sends for one job runnable at once (one `LPUSH` of an inline element with a
    /// 290-byte payload), N times: the floor under `enqueue-single` before any envelope is built.
    private func barePush(client: RedisClient, key: String) async throws -> PhaseResult {
        let barePush = BarePush(key: key)
        let result = try await loop("reference-bare-push", client: client) { try await barePush.send(on: $0) }
        try await barePush.clean(on: client)
        return result
    }

    private func pipelined(client: RedisClient, key: String) async throws -> PhaseResult {
        let batch = 1000
        let meter = PhaseMeter()
        var sent = 0
        while sent < n {
            let size = min(batch, n - sent)
            let commands = (0..<size).map { _ in RedisCommand("LPUSH", key, "xxx") }
            for reply in try await client.pipeline(commands) {
                _ = try reply.get()
            }
            sent += size
        }
        let reading = meter.stop()
        var result = row("reference-lpush-pipelined", backend: "redis", n: n, concurrency: 1, reading: reading)
        result.extra = [("batch", .int(batch))]
        return result
    }

    private func row(_ phase: String, backend: String, n: Int, concurrency: Int, reading: PhaseMeter.Reading) -> PhaseResult {
        PhaseResult(
            phase: phase, backend: backend, job: "-", n: n, concurrency: concurrency, seconds: reading.seconds,
            jobsPerSecond: Double(n) / reading.seconds, latency: nil, cpuSeconds: reading.cpuSeconds,
            peakRSSBytes: reading.peakRSSBytes, ratioToReference: nil)
    }

    // MARK: - redis-benchmark

    private static func redisBenchmarkPath() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/redis-benchmark"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private func redisBenchmark(tool: String, endpoint configuration: RedisConfiguration, clients: Int) throws -> PhaseResult {
        let requests = 100_000
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
        arguments += ["-t", "lpush", "-n", String(requests), "-c", String(clients), "-q"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
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
            let opsPerSecond = Double(figure)
        else {
            throw BenchError.reference("could not read redis-benchmark's output: \(text.suffix(200))")
        }
        return PhaseResult(
            phase: "redis-benchmark-lpush-c\(clients)", backend: "redis-benchmark", job: "-", n: requests,
            concurrency: clients, seconds: Double(requests) / opsPerSecond, jobsPerSecond: opsPerSecond, latency: nil,
            cpuSeconds: nil, peakRSSBytes: ResourceUsage.now().peakRSSBytes, ratioToReference: nil,
            extra: [("tool_wall_seconds", .double(elapsed))])
    }
}
