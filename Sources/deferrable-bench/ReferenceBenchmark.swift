import DeferrableRedis
import Foundation

/// The Redis round-trip ceiling on this machine, measured in the same run through the library's own client, configured
/// as the backend's: `PING` and `LPUSH` loops without pipelining (one command in flight at a time), and `LPUSH`
/// pipelined in batches of 1000.
/// The same `LPUSH` loop through a minimal SwiftNIO program (``MinimalNIOPush``) follows for plain URLs. If
/// `redis-benchmark` is on PATH, its `-t lpush -n 100000 -q` figure for 1 client and for its default 50 clients is
/// added (``RedisBenchmarkTool``; it writes the key `mylist`).
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
            if let minimal = try await minimalNIOPush(configuration, key: key + ":nio") { results.append(minimal) }
            if runsRedisBenchmark, let tool = try RedisBenchmarkTool(configuration: configuration) {
                for clients in [1, 50] {
                    results.append(try redisBenchmark(tool, clients: clients))
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

    /// The same unpipelined `LPUSH` as `reference-lpush`, sent by ``MinimalNIOPush`` (no library client), when the
    /// URL is a plain one; otherwise no row.
    private func minimalNIOPush(_ configuration: RedisConfiguration, key: String) async throws -> PhaseResult? {
        guard let push = try await MinimalNIOPush.connect(configuration, key: key) else { return nil }
        let meter = PhaseMeter()
        for _ in 0..<n {
            try await push.send()
        }
        let reading = meter.stop()
        try await push.close()
        return row("reference-nio-minimal-lpush", backend: "redis", n: n, concurrency: 1, reading: reading)
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

    private func redisBenchmark(_ tool: RedisBenchmarkTool, clients: Int) throws -> PhaseResult {
        let requests = 100_000
        let measured = try tool.lpush(requests: requests, clients: clients)
        return PhaseResult(
            phase: "redis-benchmark-lpush-c\(clients)", backend: "redis-benchmark", job: "-", n: requests,
            concurrency: clients, seconds: Double(requests) / measured.opsPerSecond, jobsPerSecond: measured.opsPerSecond,
            latency: nil, cpuSeconds: nil, peakRSSBytes: ResourceUsage.now().peakRSSBytes, ratioToReference: nil,
            extra: [("tool_wall_seconds", .double(measured.wallSeconds))])
    }
}
