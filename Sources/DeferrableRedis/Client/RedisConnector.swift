import Logging
import NIOCore
import Synchronization

/// Opens connections for a ``RedisClient``, shared by its pipelined and blocking pools.
///
/// It applies the reconnect backoff (while backing off, attempts fail fast with the last error instead of
/// hammering the server) and logs outages once: a `.warning` when Redis becomes unreachable or a connection is
/// lost, an `.info` when a connection succeeds again.
final class RedisConnector: Sendable {
    let configuration: RedisConfiguration
    let group: any EventLoopGroup
    let logger: Logger

    private struct State {
        var backoff = RedisReconnectBackoff()
        var inOutage = false
        var durabilityCheckClaimed = false
        /// The TLS context, built at the first connection of a `rediss://` configuration that finds its files usable.
        var tls: RedisTLSContext?
    }

    private let state = Mutex(State())

    /// Finds the primary when the endpoint is a Sentinel one.
    private let sentinel: RedisSentinelResolver?

    init(configuration: RedisConfiguration, group: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        if case .sentinel(let endpoint) = configuration.endpoint {
            sentinel = RedisSentinelResolver(endpoint)
        } else {
            sentinel = nil
        }
        self.group = group
        self.logger = logger
    }

    /// Opens a connection (bounded by the connect timeout), or fails fast while backing off after a failure.
    ///
    /// - Parameter eventLoop: the event loop the connection must live on; `nil` lets the group choose.
    func connect(on eventLoop: (any EventLoop)? = nil) async throws(RedisError) -> RedisConnection {
        if let refusal = state.withLock({ $0.backoff.refusal() }) {
            throw refusal
        }
        do {
            let connection: RedisConnection
            if let sentinel {
                connection = try await sentinel.connectToPrimary(
                    configuration: configuration, tls: try tlsContext(), group: eventLoop ?? group)
            } else {
                connection = try await RedisConnection.connect(
                    configuration: configuration, tls: try tlsContext(), group: eventLoop ?? group)
            }
            let recovered = state.withLock { state in
                let wasInOutage = state.inOutage
                state.inOutage = false
                state.backoff.reset()
                return wasInOutage
            }
            if recovered {
                logger.info("Connected to Redis again", metadata: ["redis.endpoint": "\(configuration.endpoint)"])
            } else {
                logger.debug("Connected to Redis", metadata: ["redis.endpoint": "\(configuration.endpoint)"])
            }
            return connection
        } catch {
            let firstInOutage = state.withLock { state in
                state.backoff.recordFailure(error)
                defer { state.inOutage = true }
                return !state.inOutage
            }
            if firstInOutage {
                logger.warning(
                    "Cannot connect to Redis; will retry with backoff",
                    metadata: ["redis.endpoint": "\(configuration.endpoint)", "redis.error": "\(error)"]
                )
            }
            throw error
        }
    }

    /// The client's TLS context, or `nil` without TLS. Its files are read at the first connection that finds them
    /// usable, outside the lock; a failure is not kept, so a file that appears later is used by the next connection.
    /// - Throws: ``RedisError/invalidTLSConfiguration(_:)``, also for TLS on an endpoint that cannot have it (a Unix
    ///   socket).
    private func tlsContext() throws(RedisError) -> RedisTLSContext? {
        guard let tls = configuration.tls else { return nil }
        switch configuration.endpoint {
        case .tcp, .sentinel: break
        case .unixSocket: throw .invalidTLSConfiguration("TLS is not available over a Unix socket")
        case .cluster: throw .invalidTLSConfiguration("a cluster is reached through its nodes, each a TCP endpoint")
        }
        if let built = state.withLock({ $0.tls }) { return built }
        let built = try RedisTLSContext(tls)
        return state.withLock { state in
            if let existing = state.tls { return existing }
            state.tls = built
            return built
        }
    }

    /// Logs (once per outage) that an established connection was found closed.
    func reportConnectionLost() {
        let first = state.withLock { state in
            defer { state.inOutage = true }
            return !state.inOutage
        }
        if first {
            logger.warning("Connection to Redis lost; reconnecting", metadata: ["redis.endpoint": "\(configuration.endpoint)"])
        }
    }

    /// Returns `true` exactly once per client: the caller should run the durability check.
    func claimDurabilityCheck() -> Bool {
        state.withLock { state in
            defer { state.durabilityCheckClaimed = true }
            return !state.durabilityCheckClaimed
        }
    }
}
