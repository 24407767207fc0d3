/// A primary watched by Redis Sentinel: the sentinels to ask and the name they know it by.
///
/// The client asks the sentinels (in order, starting with the last one that answered) for the primary's address,
/// connects there and checks with `ROLE` that the server is the primary. After a failover, connections to the old
/// primary are closed (by Sentinel, or by the client on a `READONLY` reply) and the next connection asks again.
/// The credentials here are for the sentinels; those of the data nodes are the ``RedisConfiguration``'s. The
/// password never appears in ``description`` or reflection output.
public struct RedisSentinelEndpoint: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// The host and port of one sentinel.
    public struct Address: Sendable, Hashable, CustomStringConvertible {
        /// A host name or IP address (IPv6 without brackets).
        public var host: String
        /// The sentinel's port (26379 by default).
        public var port: Int

        /// Creates the address of a sentinel.
        public init(host: String, port: Int = 26379) {
            self.host = host
            self.port = port
        }

        /// `host:port` (`[v6]:port` for IPv6 addresses).
        public var description: String {
            RedisEndpoint.tcp(host: host, port: port).description
        }
    }

    /// The name the sentinels monitor the primary under (`sentinel monitor NAME …`).
    public var primaryName: String
    /// The sentinels to ask; at least one.
    public var sentinels: [Address]
    /// ACL user name for `AUTH` on the sentinels; `nil` sends `AUTH password`.
    public var sentinelUsername: String?
    /// Password for `AUTH` on the sentinels; `nil` sends none.
    public var sentinelPassword: String?

    /// Creates a Sentinel endpoint.
    public init(
        primaryName: String, sentinels: [Address], sentinelUsername: String? = nil, sentinelPassword: String? = nil
    ) {
        self.primaryName = primaryName
        self.sentinels = sentinels
        self.sentinelUsername = sentinelUsername
        self.sentinelPassword = sentinelPassword
    }

    /// `sentinel:NAME@host:port,host:port`.
    public var description: String {
        "sentinel:\(primaryName)@" + sentinels.map(\.description).joined(separator: ",")
    }

    /// A mirror that hides the sentinel password.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "primaryName": primaryName,
                "sentinels": sentinels,
                "sentinelUsername": sentinelUsername as Any,
                "sentinelPassword": sentinelPassword == nil ? "nil" : "***",
            ]
        )
    }
}
