/// Errors thrown by the Redis client layer.
///
/// Every message is a single line and never contains credentials.
public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A connection to `endpoint` could not be established (refused, unreachable, timed out, handshake failed).
    case cannotConnect(endpoint: String, reason: String)
    /// No reply arrived in time. The connection that carried the command is closed.
    case timedOut(operation: String, after: Duration)
    /// The connection broke while the command was in flight; the command may or may not have run.
    case connectionLost(reason: String)
    /// Redis answered with an error reply; `message` is Redis's text, e.g. `ERR unknown command 'FOO'`.
    case server(message: String)
    /// The bytes received from Redis could not be parsed.
    case protocolError(String)
    /// A Redis URL could not be parsed; the reason names what is wrong.
    case invalidURL(String)
    /// The TLS handshake with `endpoint` failed; `failure` says why in a form code can match, `reason` in words.
    case tlsFailed(endpoint: String, failure: RedisTLSFailure, reason: String)
    /// The TLS options cannot be used (a file missing or unreadable, a certificate without its key, ...).
    case invalidTLSConfiguration(String)
    /// What was asked cannot be done on a Redis Cluster (a database other than 0, `SELECT`); the reason says
    /// which.
    case notSupportedInCluster(String)
    /// A write ran on the primary at `endpoint`, but only `replicas` of the `required` replicas confirmed it within
    /// the ``RedisReplicaConfirmation`` timeout: it normally runs, but a failover before it replicates may drop it.
    case notReplicated(endpoint: String, replicas: Int, required: Int)
    /// A configuration value is out of range; the reason names it.
    case invalidConfiguration(String)
    /// The client was closed with ``RedisClient/close()``.
    case clientClosed

    /// One-line description of the error.
    public var description: String {
        switch self {
        case .cannotConnect(let endpoint, let reason):
            return "cannot connect to Redis at \(endpoint): \(reason)"
        case .timedOut(let operation, let after):
            return "Redis \(operation) timed out after \(after)"
        case .connectionLost(let reason):
            return "connection to Redis lost: \(reason)"
        case .server(let message):
            return "Redis error: \(message)"
        case .protocolError(let reason):
            return "Redis protocol error: \(reason)"
        case .invalidURL(let reason):
            return "invalid Redis URL: \(reason)"
        case .tlsFailed(let endpoint, _, let reason):
            return "TLS handshake with Redis at \(endpoint) failed: \(reason)"
        case .invalidTLSConfiguration(let reason):
            return "invalid Redis TLS configuration: \(reason)"
        case .notSupportedInCluster(let reason):
            return "not supported on a Redis Cluster: \(reason)"
        case .notReplicated(let endpoint, let replicas, let required):
            return "write on Redis at \(endpoint) confirmed by \(replicas) of \(required) replicas in time: "
                + "it is on the primary, but a failover may drop it"
        case .invalidConfiguration(let reason):
            return "invalid Redis configuration: \(reason)"
        case .clientClosed:
            return "the Redis client has been closed"
        }
    }

    /// For ``server(message:)``: the error code, i.e. the first word of Redis's message (`ERR`, `NOSCRIPT`, `WRONGTYPE`, ...).
    public var serverErrorCode: Substring? {
        guard case .server(let message) = self else {
            return nil
        }
        return message.prefix { $0 != " " }
    }
}
