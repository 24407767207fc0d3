/// A pipeline on a Redis Cluster: the commands are grouped by the primary serving their slot (a command without
/// keys goes with the first command that has one), each group is sent as one pipeline, all groups at once, and the
/// replies are put back in the commands' order. With `confirmed`, each group waits for the replica confirmation
/// on its own primary.
enum RedisClusterPipeline {
    static func send(
        _ commands: [RedisCommand], through router: RedisClusterRouter, confirmed: Bool = false
    ) async throws -> [Result<RedisValue, RedisError>] {
        let fallback = commands.lazy.compactMap(\.slot).first
        var groups: [ObjectIdentifier: (slot: RedisHashSlot?, indices: [Int])] = [:]
        var order: [ObjectIdentifier] = []
        for (index, command) in commands.enumerated() {
            let slot = command.slot ?? fallback
            let node = ObjectIdentifier(try await router.primary(for: slot))
            if groups[node] == nil {
                groups[node] = (slot, [])
                order.append(node)
            }
            groups[node]!.indices.append(index)
        }
        let batches = order.map { groups[$0]! }
        if batches.count == 1 {
            return try await sendBatch(commands, slot: fallback, through: router, confirmed: confirmed)
        }
        var replies = [Result<RedisValue, RedisError>?](repeating: nil, count: commands.count)
        try await withThrowingTaskGroup(of: ([Int], [Result<RedisValue, RedisError>]).self) { group in
            for batch in batches {
                let subset = batch.indices.map { commands[$0] }
                group.addTask { (batch.indices, try await sendBatch(subset, slot: batch.slot, through: router, confirmed: confirmed)) }
            }
            for try await (indices, results) in group {
                for (index, result) in zip(indices, results) { replies[index] = result }
            }
        }
        return replies.map { $0 ?? .failure(.protocolError("a cluster pipeline reply is missing")) }
    }

    private static func sendBatch(
        _ commands: [RedisCommand], slot: RedisHashSlot?, through router: RedisClusterRouter, confirmed: Bool
    ) async throws -> [Result<RedisValue, RedisError>] {
        try await router.runBatch(slot: slot) { node, asking in
            try await node.pipeline(commands, asking: asking, confirmed: confirmed)
        }
    }
}
