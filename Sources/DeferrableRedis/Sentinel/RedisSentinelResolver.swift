import NIOCore
import Synchronization

/// Finds the primary of a ``RedisSentinelEndpoint`` and opens connections to it.
///
/// Sentinels are asked one at a time, starting with the last one that answered (the one that answers moves to the
/// front, as Redis's Sentinel client guidelines advise). The address a sentinel gives is checked with `ROLE`
/// before the connection is handed out, so a connection is never made to a replica that a stale sentinel still
/// names.
final class RedisSentinelResolver: Sendable {
    let sentinel: RedisSentinelEndpoint
    private let order: Mutex<[RedisSentinelEndpoint.Address]>

    init(_ sentinel: RedisSentinelEndpoint) {
        self.sentinel = sentinel
        self.order = Mutex(sentinel.sentinels)
    }

    /// Opens a connection to the current primary with `configuration`'s credentials, database and timeouts.
    ///
    /// Each sentinel in turn is asked for the address, and the server there is checked with `ROLE`; a sentinel
    /// whose answer leads to a server that cannot be reached or is not the primary (a stale view after a failover)
    /// is passed over for the next one. Only a sentinel whose answer was confirmed moves to the front. Each step is
    /// bounded by the connect timeout, so the whole search takes at most (2 × sentinels + 2) × that timeout.
    ///
    /// - Throws: ``RedisError/cannotConnect(endpoint:reason:)`` naming each sentinel's answer when none leads to
    ///   the primary.
    func connectToPrimary(
        configuration: RedisConfiguration, tls: RedisTLSContext?, group: any EventLoopGroup
    ) async throws(RedisError) -> RedisConnection {
        var reasons: [String] = []
        for address in order.withLock({ $0 }) {
            do {
                let (host, port) = try await ask(
                    address, connectTimeout: configuration.connectTimeout, tls: tls, group: group)
                var primary = configuration
                primary.endpoint = .tcp(host: host, port: port)
                let connection = try await connectConfirmingRole(primary, tls: tls, group: group)
                order.withLock { order in
                    if let index = order.firstIndex(of: address), index != 0 {
                        order.insert(order.remove(at: index), at: 0)
                    }
                }
                return connection
            } catch {
                if case .cannotConnect(let endpoint, let reason) = error, endpoint != address.description {
                    reasons.append("\(address) named \(endpoint): \(reason)")
                } else if case .cannotConnect(_, let reason) = error {
                    reasons.append("\(address): \(reason)")
                } else {
                    reasons.append("\(address): \(error.description)")
                }
            }
        }
        throw .cannotConnect(
            endpoint: sentinel.description,
            reason: "no sentinel led to the primary '\(sentinel.primaryName)' (" + reasons.joined(separator: "; ") + ")")
    }

    /// Connects to `configuration`'s TCP endpoint and checks with `ROLE` that the server is a primary.
    private func connectConfirmingRole(
        _ configuration: RedisConfiguration, tls: RedisTLSContext?, group: any EventLoopGroup
    ) async throws(RedisError) -> RedisConnection {
        let connection = try await RedisConnection.connect(
            configuration: configuration, tls: tls, group: group, closesOnReadOnly: true)
        let role: String?
        do {
            role = try await connection.send(RedisCommand("ROLE"), timeout: configuration.connectTimeout).array?.first?
                .string
        } catch {
            connection.close()
            throw .cannotConnect(
                endpoint: connection.endpoint, reason: "ROLE failed: \(RedisConnection.redisError(error))")
        }
        guard role == "master" else {
            connection.close()
            throw .cannotConnect(
                endpoint: connection.endpoint,
                reason: "named the primary '\(sentinel.primaryName)', but it answers ROLE with "
                    + "'\(role ?? "nothing")'; a failover may be under way")
        }
        return connection
    }

    /// Asks the sentinel at `address` for the primary's address, over TLS with `tls` (the same options as for the
    /// data nodes; the sentinel's certificate must name its own address or the configured server name).
    private func ask(
        _ address: RedisSentinelEndpoint.Address, connectTimeout: Duration, tls: RedisTLSContext?,
        group: any EventLoopGroup
    ) async throws(RedisError) -> (String, Int) {
        let configuration = RedisConfiguration(
            endpoint: .tcp(host: address.host, port: address.port), username: sentinel.sentinelUsername,
            password: sentinel.sentinelPassword, connectTimeout: connectTimeout)
        let connection = try await RedisConnection.connect(configuration: configuration, tls: tls, group: group)
        defer { connection.close() }
        let reply: RedisValue
        do {
            reply = try await connection.send(
                RedisCommand("SENTINEL", "GET-MASTER-ADDR-BY-NAME", sentinel.primaryName), timeout: connectTimeout)
        } catch {
            throw RedisConnection.redisError(error)
        }
        if reply.isNull {
            throw .cannotConnect(
                endpoint: address.description, reason: "it monitors no primary named '\(sentinel.primaryName)'")
        }
        guard let parts = reply.array, parts.count == 2, let host = parts[0].string, !host.isEmpty, host.count <= 255,
            let port = parts[1].int, (1...65_535).contains(port)
        else {
            throw .cannotConnect(
                endpoint: address.description, reason: "unexpected reply to SENTINEL GET-MASTER-ADDR-BY-NAME: \(reply)")
        }
        return (host, Int(port))
    }
}
