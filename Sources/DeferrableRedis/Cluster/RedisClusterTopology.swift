/// Which primary serves each hash slot of a Redis Cluster, read from `CLUSTER SHARDS` (Redis 7) or `CLUSTER SLOTS`.
///
/// Every number in a reply is range-checked; a reply that cannot be read is refused with
/// ``RedisError/protocolError(_:)`` naming what is wrong, never trapped on.
struct RedisClusterTopology: Sendable, Equatable {
    /// One server of the cluster.
    struct Node: Sendable, Hashable {
        enum Role: Sendable, Hashable {
            case primary
            case replica
        }

        /// The node id (40 hex characters), or empty when `CLUSTER SLOTS` did not give one.
        var id: String
        var host: String
        var port: Int
        var role: Role
        /// `false` when the node is reported failed or loading.
        var isHealthy: Bool

        var endpoint: RedisEndpoint { .tcp(host: host, port: port) }
    }

    /// Every node named, primaries and replicas.
    private(set) var nodes: [Node]
    /// For each slot, the index in ``nodes`` of its primary, or -1 when no primary serves it.
    private var primaryIndex: [Int]

    /// The primary serving `slot`, if any.
    func primary(for slot: RedisHashSlot) -> Node? {
        let index = primaryIndex[slot.value]
        return index < 0 ? nil : nodes[index]
    }

    /// The primaries that serve at least one slot, each once, in node order (found once, when the layout is read:
    /// every command without a key goes to the first of them).
    private(set) var primaries: [Node]

    /// How many slots no primary serves.
    var uncoveredSlots: Int { primaryIndex.count { $0 < 0 } }

    private init(nodes: [Node], primaryIndex: [Int]) {
        self.nodes = nodes
        self.primaryIndex = primaryIndex
        let serving = Set(primaryIndex.filter { $0 >= 0 })
        primaries = nodes.indices.filter { serving.contains($0) }.map { nodes[$0] }
    }

    // MARK: - CLUSTER SHARDS

    /// Reads a `CLUSTER SHARDS` reply. `askedHost` replaces an unknown endpoint (`?` or empty), as Redis advises;
    /// with `usesTLS`, each node's `tls-port` is used (its `port` when it has none).
    init(shards reply: RedisValue, askedHost: String, usesTLS: Bool = false) throws(RedisError) {
        guard let shards = reply.array else { throw Self.bad("CLUSTER SHARDS did not return an array") }
        var nodes: [Node] = []
        var primaryIndex = [Int](repeating: -1, count: RedisHashSlot.count)
        for shard in shards {
            let fields = try Self.fields(shard, what: "shard")
            guard let slotList = fields["slots"]?.array, let nodeList = fields["nodes"]?.array else {
                throw Self.bad("a shard without slots or nodes")
            }
            guard slotList.count.isMultiple(of: 2) else { throw Self.bad("a shard's slot list has an odd length") }
            var primary: Int?
            for entry in nodeList {
                let node = try Self.shardNode(try Self.fields(entry, what: "node"), askedHost: askedHost, usesTLS: usesTLS)
                if node.role == .primary, primary == nil { primary = nodes.count }
                nodes.append(node)
            }
            guard let primary else { continue }
            for pair in stride(from: 0, to: slotList.count, by: 2) {
                let range = try Self.slotRange(slotList[pair], slotList[pair + 1])
                for slot in range { primaryIndex[slot] = primary }
            }
        }
        self.init(nodes: nodes, primaryIndex: primaryIndex)
    }

    private static func shardNode(_ fields: [String: RedisValue], askedHost: String, usesTLS: Bool) throws(RedisError)
        -> Node
    {
        let id = fields["id"]?.string ?? ""
        let port = try Self.port(
            usesTLS ? fields["tls-port"] ?? fields["port"] : fields["port"] ?? fields["tls-port"], what: "node port")
        var host = fields["endpoint"]?.string ?? ""
        if host.isEmpty || host == "?" { host = fields["ip"]?.string ?? "" }
        if host.isEmpty || host == "?" { host = askedHost }
        guard host.utf8.count <= 255 else { throw Self.bad("a node's host name is longer than 255 bytes") }
        let role: Node.Role
        switch fields["role"]?.string {
        case "master": role = .primary
        case "replica", "slave": role = .replica
        default: throw Self.bad("a node's role is neither master nor replica")
        }
        let health = fields["health"]?.string ?? "online"
        return Node(id: id, host: host, port: port, role: role, isHealthy: health == "online")
    }

    // MARK: - CLUSTER SLOTS

    /// Reads a `CLUSTER SLOTS` reply (for servers before Redis 7). `askedHost` replaces an empty or `?` host.
    init(slots reply: RedisValue, askedHost: String) throws(RedisError) {
        guard let ranges = reply.array else { throw Self.bad("CLUSTER SLOTS did not return an array") }
        var nodes: [Node] = []
        var indexByAddress: [String: Int] = [:]
        var primaryIndex = [Int](repeating: -1, count: RedisHashSlot.count)
        for range in ranges {
            guard let parts = range.array, parts.count >= 3 else { throw Self.bad("a slot range with no primary") }
            let slots = try Self.slotRange(parts[0], parts[1])
            for (position, entry) in parts.dropFirst(2).enumerated() {
                guard let info = entry.array, info.count >= 2 else { throw Self.bad("a slot range's node is not [host, port, …]") }
                var host = info[0].string ?? ""
                if host.isEmpty || host == "?" { host = askedHost }
                guard host.utf8.count <= 255 else { throw Self.bad("a node's host name is longer than 255 bytes") }
                let port = try Self.port(info[1], what: "node port")
                let key = "\(host)|\(port)"
                let index: Int
                if let known = indexByAddress[key] {
                    index = known
                } else {
                    index = nodes.count
                    indexByAddress[key] = index
                    nodes.append(
                        Node(
                            id: info.count > 2 ? info[2].string ?? "" : "", host: host, port: port,
                            role: position == 0 ? .primary : .replica, isHealthy: true))
                }
                if position == 0 {
                    for slot in slots { primaryIndex[slot] = index }
                }
            }
        }
        self.init(nodes: nodes, primaryIndex: primaryIndex)
    }

    // MARK: - Reading values

    private static func bad(_ reason: String) -> RedisError {
        .protocolError("unreadable cluster topology: \(reason)")
    }

    /// A RESP2 flat `[name, value, name, value …]` array (or a RESP3 map, which hiredis 0.14 never gives) as fields.
    private static func fields(_ value: RedisValue, what: String) throws(RedisError) -> [String: RedisValue] {
        guard let items = value.array, items.count.isMultiple(of: 2) else { throw bad("a \(what) is not a field list") }
        var fields: [String: RedisValue] = [:]
        for index in stride(from: 0, to: items.count, by: 2) {
            guard let name = items[index].string else { throw bad("a \(what) field name is not a string") }
            fields[name] = items[index + 1]
        }
        return fields
    }

    private static func slotRange(_ start: RedisValue, _ end: RedisValue) throws(RedisError) -> ClosedRange<Int> {
        guard let first = start.int, let last = end.int, let low = RedisHashSlot(checking: Int(clamping: first)),
            let high = RedisHashSlot(checking: Int(clamping: last)), low <= high
        else {
            throw bad("a slot range outside 0 … 16383: \(start) … \(end)")
        }
        return low.value...high.value
    }

    private static func port(_ value: RedisValue?, what: String) throws(RedisError) -> Int {
        guard let number = value?.int, (1...65_535).contains(number) else {
            throw bad("a \(what) outside 1 … 65535: \(value.map { "\($0)" } ?? "none")")
        }
        return Int(number)
    }
}
