/// How to reach and use a Redis server.
///
/// Build it from a URL with ``init(url:)`` or field by field with
/// ``init(endpoint:username:password:database:tls:connectTimeout:commandTimeout:poolSize:maxBlockingConnections:replicaConfirmation:)``.
/// The password never appears in ``description``, `debugDescription` or reflection output.
public struct RedisConfiguration: Sendable, Equatable {
    /// Where the server listens.
    public var endpoint: RedisEndpoint
    /// ACL user name for `AUTH user password` (Redis 6+); `nil` sends `AUTH password`.
    public var username: String?
    /// Password for `AUTH`; `nil` means no authentication.
    public var password: String?
    /// Logical database selected with `SELECT` after connecting (0 = default, no `SELECT` sent).
    public var database: Int
    /// TLS for TCP connections (`rediss://`); `nil` connects in plain text.
    public var tls: RedisTLSConfiguration?
    /// Upper bound for establishing a connection, including the TLS handshake, `AUTH` and `SELECT`.
    public var connectTimeout: Duration
    /// Upper bound for waiting for a reply (blocking commands add their block time).
    public var commandTimeout: Duration
    /// Number of shared, pipelined connections of ``RedisClient/send(_:)`` and ``RedisClient/pipeline(_:)``: a call
    /// takes the one with the fewest calls in flight (the first on a tie), or the one on its own event loop.
    public var poolSize: Int
    /// Maximum number of dedicated connections used concurrently for blocking commands.
    public var maxBlockingConnections: Int
    /// Replicas that must confirm each push and settlement before it is reported done (`WAIT`); `nil` (the
    /// default) acknowledges a write once the primary has it. See ``RedisReplicaConfirmation``.
    public var replicaConfirmation: RedisReplicaConfirmation?

    /// Creates a configuration from its fields.
    public init(
        endpoint: RedisEndpoint,
        username: String? = nil,
        password: String? = nil,
        database: Int = 0,
        tls: RedisTLSConfiguration? = nil,
        connectTimeout: Duration = .seconds(2),
        commandTimeout: Duration = .seconds(5),
        poolSize: Int = 2,
        maxBlockingConnections: Int = 16,
        replicaConfirmation: RedisReplicaConfirmation? = nil
    ) {
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.poolSize = poolSize
        self.maxBlockingConnections = maxBlockingConnections
        self.replicaConfirmation = replicaConfirmation
    }

    /// Creates a TCP configuration for `host:port`.
    public init(host: String, port: Int = 6379, password: String? = nil, database: Int = 0) {
        self.init(endpoint: .tcp(host: host, port: port), password: password, database: database)
    }

    /// Parses a Redis URL.
    ///
    /// Accepted forms:
    /// - `redis://[[user]:password@]host[:port][/db]` (default port 6379, db 0; IPv6 as `[::1]`;
    ///   user and password are percent-decoded; `?db=N` is also accepted)
    /// - `rediss://…` the same over TLS, with optional query parameters `tls_ca=PATH`, `tls_cert=PATH`,
    ///   `tls_key=PATH`, `tls_server_name=NAME`, `tls_verify_hostname=false` and `tls_min_version=1.2|1.3`
    ///   (see ``RedisTLSConfiguration``)
    /// - `redis+sentinel://[[user]:password@]host[:port][,host[:port]…]/primary-name[/db]`: the primary that the
    ///   sentinels at those addresses (port 26379 by default) name; the user and password are the data nodes',
    ///   `?sentinel_password=…&sentinel_username=…` the sentinels' (see ``RedisSentinelEndpoint``);
    ///   `rediss+sentinel://…` the same over TLS to the sentinels and the data nodes (the `tls_*` parameters)
    /// - `redis+cluster://[[user]:password@]host[:port][,host[:port]…]`: a Redis Cluster reached through those nodes
    ///   (see ``RedisClusterEndpoint``); a database path other than `/0` is refused, a cluster has only database 0;
    ///   `rediss+cluster://…` the same over TLS to every node (the `tls_*` parameters as for `rediss://`; the nodes'
    ///   TLS ports are read from the layout)
    /// - every form above also takes `wait_replicas=N` (with `wait_timeout_ms=MS`, default 1000, and
    ///   `wait_aof=true`): the ``replicaConfirmation``
    /// - `unix:///path/to/redis.sock[?db=N&password=...&username=...]`
    ///   (also `redis+unix://` and `redis-socket://`; `unix://user:password@/path` works too)
    ///
    /// - Throws: ``RedisError/invalidURL(_:)`` naming what is wrong (the password is never echoed).
    public init(url: String) throws {
        self = try RedisURLParser.parse(url)
    }

    /// The configuration as a URL with the password replaced by `***`.
    public var redactedURL: String {
        var userInfo = ""
        if username != nil || password != nil {
            userInfo = (username ?? "") + (password != nil ? ":***" : "") + "@"
        }
        let secure = tls == nil ? "" : "s"
        var query = (tls?.queryItems ?? []) + (replicaConfirmation?.queryItems ?? [])
        let base: String
        switch endpoint {
        case .tcp:
            base = "redis\(secure)://\(userInfo)\(endpoint)/\(database)"
        case .unixSocket(let path):
            base = "unix://\(userInfo)\(path)"
            query.insert(("db", String(database)), at: 0)
        case .sentinel(let sentinel):
            if let user = sentinel.sentinelUsername { query.append(("sentinel_username", user)) }
            if sentinel.sentinelPassword != nil { query.append(("sentinel_password", "***")) }
            let hosts = sentinel.sentinels.map(\.description).joined(separator: ",")
            base = "redis\(secure)+sentinel://\(userInfo)\(hosts)/\(sentinel.primaryName)/\(database)"
        case .cluster(let cluster):
            let hosts = cluster.seeds.map { $0.description }.joined(separator: ",")
            base = "redis\(secure)+cluster://\(userInfo)\(hosts)"
        }
        return query.isEmpty ? base : base + "?" + query.map { "\($0)=\($1)" }.joined(separator: "&")
    }
}

extension RedisConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A one-line summary; the password is shown as `***`.
    public var description: String {
        "RedisConfiguration(\(redactedURL), connectTimeout: \(connectTimeout), commandTimeout: \(commandTimeout), "
            + "poolSize: \(poolSize), maxBlockingConnections: \(maxBlockingConnections))"
    }

    /// Same as ``description``.
    public var debugDescription: String {
        description
    }

    /// A mirror that hides the password, so `dump` and `String(reflecting:)` never reveal it.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "endpoint": endpoint,
                "username": username as Any,
                "password": password == nil ? "nil" : "***",
                "database": database,
                "tls": tls as Any,
                "connectTimeout": connectTimeout,
                "commandTimeout": commandTimeout,
                "poolSize": poolSize,
                "maxBlockingConnections": maxBlockingConnections,
                "replicaConfirmation": replicaConfirmation as Any,
            ]
        )
    }
}
