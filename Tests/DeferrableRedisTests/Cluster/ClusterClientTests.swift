import Deferrable
import DeferrableRedis
import DeferrableTestSupport
import Foundation
import Logging
import Testing

/// The cluster client against the 3-primary cluster `scripts/test.sh` starts (`REDIS_CLUSTER_URL`).
@Suite(
    "Redis Cluster client",
    .enabled(if: ProcessInfo.processInfo.environment["REDIS_CLUSTER_URL"] != nil),
    .timeLimit(.minutes(2)))
struct ClusterClientTests {
    static var url: String { ProcessInfo.processInfo.environment["REDIS_CLUSTER_URL"] ?? "" }

    /// One node as `CLUSTER NODES` lists it.
    struct Node {
        var id: String
        var host: String
        var port: Int
        var isPrimary: Bool
        var url: String { "redis://\(host):\(port)" }
    }

    /// The cluster's nodes, read from the first seed with a single-server client.
    static func nodes() async throws -> [Node] {
        let seed = try RedisConfiguration(url: url)
        guard case .cluster(let cluster) = seed.endpoint, case .tcp(let host, let port) = cluster.seeds[0] else {
            throw RedisError.invalidURL("REDIS_CLUSTER_URL is not a cluster URL")
        }
        let client = RedisClient(configuration: RedisConfiguration(host: host, port: port))
        defer { Task { await client.close() } }
        let text = try await client.send(RedisCommand("CLUSTER", "NODES")).string ?? ""
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { return nil }
            let address = fields[1].prefix { $0 != "@" }
            guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
                return nil
            }
            return Node(
                id: String(fields[0]), host: String(address[..<colon]), port: port,
                isPrimary: fields[2].contains("master"))
        }
    }

    /// The primary serving `slot` on the cluster now (from `CLUSTER SLOTS`).
    static func owner(of slot: Int, among nodes: [Node]) async throws -> Node? {
        let client = try RedisClient(url: try #require(nodes.first).url)
        defer { Task { await client.close() } }
        for range in try await client.send(RedisCommand("CLUSTER", "SLOTS")).array ?? [] {
            guard let parts = range.array, parts.count >= 3, let low = parts[0].int, let high = parts[1].int,
                let primary = parts[2].array, primary.count >= 3, (low...high).contains(Int64(slot))
            else { continue }
            return nodes.first { $0.id == primary[2].string }
        }
        return nil
    }

    private func runs(_ deferrable: Deferrable, jobs: Int) async throws -> [RunOutcome] {
        var outcomes: [RunOutcome] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while outcomes.count < jobs, ContinuousClock.now < deadline {
            let outcome = try await deferrable.runOnce(waitingUpTo: .milliseconds(200))
            if outcome != .empty { outcomes.append(outcome) }
        }
        return outcomes
    }

    @Test("groups spread over the primaries, and each group's jobs run through the one client")
    func groupsSpread() async throws {
        let factory = try RedisBackendFactory(url: Self.url, settings: RedisBackendSettings(keyPrefix: "cl-\(UUID().uuidString.prefix(6))"))
        var owners: Set<String> = []
        let nodes = try await Self.nodes()
        for index in 0..<12 {
            let group = "spread-\(index)"
            let deferrable = try Deferrable(factory: factory, group: group)
            let job = try deferrable.register("echo") { (n: Int, _) in }
            try await job.later(index)
            #expect(try await runs(deferrable, jobs: 1).count == 1)
            let slot = try #require(
                try await factory.client.send(RedisCommand("CLUSTER", "KEYSLOT", "\(factory.settings.keyPrefix):{\(group)}:ready")).int)
            if let owner = try await Self.owner(of: Int(slot), among: nodes) { owners.insert(owner.id) }
        }
        #expect(owners.count == 3, "12 groups landed on \(owners.count) primaries")
        await factory.close()
    }

    @Test("a result waiter is woken by a completion on any primary, not only on the one its subscription uses")
    func resultWaitersWokenFromEveryPrimary() async throws {
        let factory = try RedisBackendFactory(url: Self.url, settings: RedisBackendSettings(keyPrefix: "cr-\(UUID().uuidString.prefix(6))"))
        // Six groups: at least one lives on a primary other than the subscription's (the groups spread, above).
        for index in 0..<6 {
            let deferrable = try Deferrable(factory: factory, group: "results-\(index)")
            let gate = AsyncGate()
            let job = try deferrable.register("echo", returning: Int.self) { (n: Int, _) -> Int in
                await gate.wait()
                return n
            }
            let future = try await job.later(index)
            let run = Task { try await deferrable.runOnce(waitingUpTo: .seconds(2)) }
            let waiting = Task { try await future.result(waitingUpTo: .seconds(60)) }
            // Once the waiter's channel is subscribed on some node, the job may end; a waiter that misses the
            // completion's message would sleep until its 60 s deadline.
            let channel = "\(factory.settings.keyPrefix):{results-\(index)}:results:done"
            try await eventually("the waiter's subscription", timeout: .seconds(10)) {
                try await self.subscribers(of: channel) > 0
            }
            gate.open()
            _ = try await run.value
            let value = try await within(.seconds(10), "the waiter of group \(index) to be woken") {
                try await waiting.value
            }
            #expect(value == index)
        }
        await factory.close()
    }

    /// How many connections subscribe to `channel`, over every primary.
    private func subscribers(of channel: String) async throws -> Int {
        var total = 0
        for node in try await Self.nodes() where node.isPrimary {
            let client = try RedisClient(url: node.url)
            let reply = try await client.send(RedisCommand("PUBSUB", "NUMSUB", channel))
            await client.close()
            total += Int(reply.array?.last?.int ?? 0)
        }
        return total
    }

    @Test("a group whose slot moves to another primary is followed: ASK while it migrates, MOVED after; no job is lost")
    func followsSlotMigration() async throws {
        let prefix = "mv-\(UUID().uuidString.prefix(6))"
        let group = "moving"
        let factory = try RedisBackendFactory(url: Self.url, settings: RedisBackendSettings(keyPrefix: prefix))
        let deferrable = try Deferrable(factory: factory, group: group)
        let ran = Locked<[Int]>([])
        let job = try deferrable.register("record") { (n: Int, _) in ran.withLock { $0.append(n) } }
        try await job.later(1)
        try await job.later(2)

        let tag = "\(prefix):{\(group)}"
        let slot = Int(try #require(try await factory.client.send(RedisCommand("CLUSTER", "KEYSLOT", tag)).int))
        let nodes = try await Self.nodes()
        let source = try #require(try await Self.owner(of: slot, among: nodes))
        let target = try #require(nodes.first { $0.isPrimary && $0.id != source.id })
        let sourceClient = try RedisClient(url: source.url)
        let targetClient = try RedisClient(url: target.url)
        defer {
            Task {
                await sourceClient.close()
                await targetClient.close()
            }
        }
        _ = try await targetClient.send(RedisCommand("CLUSTER", "SETSLOT", String(slot), "IMPORTING", source.id))
        _ = try await sourceClient.send(RedisCommand("CLUSTER", "SETSLOT", String(slot), "MIGRATING", target.id))

        // Migrating: a key the source does not have is answered with ASK; the client asks the target.
        _ = try await factory.client.send(RedisCommand("SET", "\(tag):asked", "yes"))
        let onTarget = try await targetClient.pipeline([RedisCommand("ASKING"), RedisCommand("GET", "\(tag):asked")])
        #expect(try onTarget[1].get().string == "yes")

        // Move the rest, then hand the slot over: the client's next commands get MOVED and follow.
        while true {
            let keys = try await sourceClient.send(RedisCommand("CLUSTER", "GETKEYSINSLOT", String(slot), "100")).array ?? []
            if keys.isEmpty { break }
            _ = try await sourceClient.send(
                RedisCommand(
                    ["MIGRATE", target.host, String(target.port), "", "0", "5000", "KEYS"] + keys.compactMap(\.string)))
        }
        for node in nodes where node.isPrimary {
            let client = try RedisClient(url: node.url)
            _ = try await client.send(RedisCommand("CLUSTER", "SETSLOT", String(slot), "NODE", target.id))
            await client.close()
        }

        try await job.later(3)
        let outcomes = try await runs(deferrable, jobs: 3)
        #expect(outcomes.count == 3)
        #expect(ran.value.sorted() == [1, 2, 3])
        #expect(try await targetClient.send(RedisCommand("CLUSTER", "COUNTKEYSINSLOT", String(slot))).int ?? 0 > 0)
        await factory.close()
    }

    @Test("SELECT and a database other than 0 are refused with a typed error; rediss+cluster:// carries its TLS options")
    func refusals() async throws {
        #expect(throws: RedisError.self) { try RedisConfiguration(url: "redis+cluster://127.0.0.1:7000/1") }
        let tls = try RedisConfiguration(
            url: "rediss+cluster://127.0.0.1:7000,127.0.0.1:7001?tls_ca=/ca.pem&tls_server_name=redis.internal")
        #expect(tls.tls == RedisTLSConfiguration(serverName: "redis.internal", caFile: "/ca.pem"))
        #expect(tls.redactedURL == "rediss+cluster://127.0.0.1:7000,127.0.0.1:7001?tls_ca=/ca.pem&tls_server_name=redis.internal")
        #expect(try RedisConfiguration(url: tls.redactedURL) == tls)
        var configuration = try RedisConfiguration(url: Self.url)
        let client = RedisClient(configuration: configuration)
        await #expect {
            _ = try await client.send(RedisCommand("SELECT", "1"))
        } throws: { error in
            if case .notSupportedInCluster = error as? RedisError { true } else { false }
        }
        await client.close()
        configuration.database = 2
        let withDatabase = RedisClient(configuration: configuration)
        await #expect {
            _ = try await withDatabase.send(RedisCommand("PING"))
        } throws: { error in
            if case .notSupportedInCluster = error as? RedisError { true } else { false }
        }
        await withDatabase.close()
    }

    @Test("a cluster URL lists its seeds; without a reachable seed a call fails with cannotConnect in time")
    func unreachableSeeds() async throws {
        let configuration = try RedisConfiguration(url: "redis+cluster://127.0.0.1:1,127.0.0.1:2")
        guard case .cluster(let cluster) = configuration.endpoint else {
            Issue.record("not a cluster endpoint: \(configuration.endpoint)")
            return
        }
        #expect(cluster.seeds == [.tcp(host: "127.0.0.1", port: 1), .tcp(host: "127.0.0.1", port: 2)])
        #expect(configuration.redactedURL == "redis+cluster://127.0.0.1:1,127.0.0.1:2")
        var quiet = Logger(label: "test.redis.cluster")
        quiet.logLevel = .critical
        let client = RedisClient(configuration: configuration, logger: quiet)
        let start = ContinuousClock.now
        await #expect {
            _ = try await client.send(RedisCommand("PING"))
        } throws: { error in
            if case .cannotConnect = error as? RedisError { true } else { false }
        }
        #expect(ContinuousClock.now - start < configuration.connectTimeout * 2 + .seconds(1))
        await client.close()
    }
}
