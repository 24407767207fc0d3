/// A Redis Cluster: the nodes to ask for its layout first, and how often to read the layout again.
///
/// The client reads which primary serves each hash slot with `CLUSTER SHARDS` (`CLUSTER SLOTS` on servers before
/// Redis 7), asking the nodes it knows in turn (the primaries of the last layout, then these seeds), and sends each
/// command to the primary of its first key's slot. It reads the layout again after a `MOVED` reply, after a
/// connection failure, and every ``refreshInterval``.
public struct RedisClusterEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// Some of the cluster's nodes (`.tcp` endpoints); at least one. Any node, primary or replica, can answer.
    public var seeds: [RedisEndpoint]
    /// How often the layout is read again while the client is in use (it is also read after `MOVED` replies and
    /// connection failures); at least 1 second.
    public var refreshInterval: Duration

    /// Creates a cluster endpoint from some of its nodes.
    public init(seeds: [RedisEndpoint], refreshInterval: Duration = .seconds(30)) {
        self.seeds = seeds
        self.refreshInterval = refreshInterval
    }

    /// `cluster:host:port,host:port`.
    public var description: String {
        "cluster:" + seeds.map(\.description).joined(separator: ",")
    }
}
