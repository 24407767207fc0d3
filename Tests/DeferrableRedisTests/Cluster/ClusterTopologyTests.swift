import Testing

@testable import DeferrableRedis

@Suite("Redis Cluster topology replies")
struct ClusterTopologyTests {
    private func bulk(_ text: String) -> RedisValue { .bulkString(Array(text.utf8)) }

    private func node(_ id: String, _ ip: String, _ port: Int64, _ role: String, health: String = "online") -> RedisValue {
        .array([
            bulk("id"), bulk(id), bulk("port"), .integer(port), bulk("ip"), bulk(ip), bulk("endpoint"), bulk(ip),
            bulk("role"), bulk(role), bulk("replication-offset"), .integer(42), bulk("health"), bulk(health),
        ])
    }

    private func shard(slots: [Int64], nodes: [RedisValue]) -> RedisValue {
        .array([bulk("slots"), .array(slots.map(RedisValue.integer)), bulk("nodes"), .array(nodes)])
    }

    @Test("CLUSTER SHARDS: each slot maps to its shard's primary; replicas are listed but serve no slot")
    func shards() throws {
        let reply = RedisValue.array([
            shard(slots: [0, 5460, 10923, 10930], nodes: [node("a", "10.0.0.1", 7000, "master"), node("b", "10.0.0.2", 7003, "replica")]),
            shard(slots: [5461, 10922], nodes: [node("c", "10.0.0.3", 7001, "master")]),
            shard(slots: [10931, 16383], nodes: [node("d", "?", 7002, "master", health: "loading")]),
        ])
        let topology = try RedisClusterTopology(shards: reply, askedHost: "seed.example")
        #expect(topology.primary(for: RedisHashSlot(checking: 0)!)?.id == "a")
        #expect(topology.primary(for: RedisHashSlot(checking: 10925)!)?.id == "a")
        #expect(topology.primary(for: RedisHashSlot(checking: 5461)!)?.port == 7001)
        let last = try #require(topology.primary(for: RedisHashSlot(checking: 16383)!))
        #expect(last.host == "seed.example")
        #expect(!last.isHealthy)
        #expect(topology.primaries.map(\.id) == ["a", "c", "d"])
        #expect(topology.nodes.count == 4)
        #expect(topology.uncoveredSlots == 0)
    }

    @Test("CLUSTER SLOTS: ranges with the primary first, then replicas")
    func slots() throws {
        let reply = RedisValue.array([
            .array([
                .integer(0), .integer(8191), .array([bulk("127.0.0.1"), .integer(7000), bulk("a")]),
                .array([bulk("127.0.0.1"), .integer(7003), bulk("b")]),
            ]),
            .array([.integer(8192), .integer(16000), .array([bulk(""), .integer(7001), bulk("c")])]),
        ])
        let topology = try RedisClusterTopology(slots: reply, askedHost: "127.0.0.9")
        #expect(topology.primary(for: RedisHashSlot(key: "foo"))?.port == 7001)
        #expect(topology.primary(for: RedisHashSlot(checking: 16001)!) == nil)
        #expect(topology.uncoveredSlots == 383)
        #expect(topology.primaries.map(\.host) == ["127.0.0.1", "127.0.0.9"])
        #expect(topology.nodes.first { $0.port == 7003 }?.role == .replica)
    }

    @Test(
        "replies that cannot be read are refused with a protocol error, never trapped on",
        arguments: [
            RedisValue.integer(1),
            .array([.array([.integer(0), .integer(16384), .array([.bulkString(Array("h".utf8)), .integer(1)])])]),
            .array([.array([.integer(10), .integer(5), .array([.bulkString(Array("h".utf8)), .integer(1)])])]),
            .array([.array([.integer(0), .integer(5), .array([.bulkString(Array("h".utf8)), .integer(0)])])]),
            .array([.array([.integer(0), .integer(5), .array([.bulkString(Array("h".utf8)), .integer(Int64.max)])])]),
            .array([.array([.integer(Int64.min), .integer(5), .array([.bulkString(Array("h".utf8)), .integer(1)])])]),
            .array([.array([.integer(0), .integer(5)])]),
        ])
    func unreadableSlots(reply: RedisValue) {
        #expect(throws: RedisError.self) { try RedisClusterTopology(slots: reply, askedHost: "h") }
    }

    @Test("unreadable CLUSTER SHARDS replies are refused")
    func unreadableShards() {
        let replies: [RedisValue] = [
            .null,
            .array([shard(slots: [0, 5], nodes: [node("a", "h", 70000, "master")])]),
            .array([shard(slots: [0], nodes: [node("a", "h", 7000, "master")])]),
            .array([shard(slots: [0, 5], nodes: [node("a", "h", 7000, "arbiter")])]),
            .array([.array([bulk("slots")])]),
            .array([shard(slots: [0, 5], nodes: [node("a", String(repeating: "x", count: 300), 7000, "master")])]),
        ]
        for reply in replies {
            #expect(throws: RedisError.self) { try RedisClusterTopology(shards: reply, askedHost: "h") }
        }
    }
}
