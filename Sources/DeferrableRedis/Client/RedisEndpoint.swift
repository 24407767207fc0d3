/// Where a Redis server listens.
public enum RedisEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// A TCP host name or IP address (IPv6 without brackets) and port.
    case tcp(host: String, port: Int)
    /// A Unix domain socket path.
    case unixSocket(path: String)
    /// The primary that Redis Sentinel names (see ``RedisSentinelEndpoint``).
    case sentinel(RedisSentinelEndpoint)
    /// A Redis Cluster, reached through some of its nodes (see ``RedisClusterEndpoint``).
    case cluster(RedisClusterEndpoint)

    /// `host:port` (`[v6]:port` for IPv6 addresses), `unix:<path>` `sentinel:NAME@host:port,…` or `cluster:host:port,…`.
    public var description: String {
        switch self {
        case .tcp(let host, let port):
            return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unixSocket(let path):
            return "unix:\(path)"
        case .sentinel(let sentinel):
            return sentinel.description
        case .cluster(let cluster):
            return cluster.description
        }
    }

    /// Whether this is a Redis Cluster.
    var isCluster: Bool {
        if case .cluster = self { true } else { false }
    }
}
